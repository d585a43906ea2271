import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Role } from '@qingting/prisma';
import { DomainError } from '../common/errors/domain-error';
import { PrismaService } from '../infra/database/prisma.service';
import { AuthUser, PUBLIC_KEY, ROLES_KEY } from './auth.decorators';
import { SessionService } from './session.service';

export function bearerToken(header: string | string[] | undefined): string | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  const match = /^Bearer\s+([\w-]{20,200})$/i.exec(value ?? '');
  return match?.[1];
}

/**
 * Global: every route needs a valid session unless marked @Public, and @Roles narrows it.
 * Roles are read from the database on each request, so a grant or a suspension takes effect
 * at once without re-login.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly sessions: SessionService,
    private readonly prisma: PrismaService,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    if (ctx.getType() !== 'http') return true;
    const targets = [ctx.getHandler(), ctx.getClass()];
    const isPublic = this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets) ?? false;
    const roles = this.reflector.getAllAndOverride<Role[]>(ROLES_KEY, targets) ?? [];
    const req = ctx.switchToHttp().getRequest<{ headers: Record<string, string | string[] | undefined>; authUser?: AuthUser }>();

    const token = bearerToken(req.headers.authorization);
    const user = token ? await this.userFor(token) : undefined;
    if (!user) {
      if (isPublic) return true;
      throw new DomainError(token ? 'auth/session_expired' : 'auth/login_required');
    }
    req.authUser = user;
    if (roles.length && !roles.some((r) => user.roles.includes(r))) throw new DomainError('auth/forbidden');
    return true;
  }

  private async userFor(token: string): Promise<AuthUser | undefined> {
    const userId = await this.sessions.resolve(token);
    if (!userId) return undefined;
    // Every authenticated request passes here: plain SQL, not Prisma (see `Sql` in @qingting/prisma).
    const [user] = await this.prisma.sql.query<AuthUser>('SELECT id, roles::text[] AS roles FROM users WHERE id = $1 AND deleted_at IS NULL', [userId]);
    return user;
  }
}
