import { createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import type { Role } from '@qingting/prisma';

/** The person behind a request, as the auth guard resolved it from the session token. */
export interface AuthUser {
  id: string;
  roles: Role[];
}

export const PUBLIC_KEY = 'auth:public';
export const ROLES_KEY = 'auth:roles';

/** No login needed (health, discovery, WeChat callbacks). Every other route requires one. */
export const Public = () => SetMetadata(PUBLIC_KEY, true);

/** The caller must hold at least one of these roles (403 `auth/forbidden` otherwise). */
export const Roles = (...roles: Role[]) => SetMetadata(ROLES_KEY, roles);

/** The logged-in caller; on a @Public route, undefined when no valid token was sent. */
export const CurrentUser = createParamDecorator((_data: unknown, ctx: ExecutionContext): AuthUser | undefined => {
  return ctx.switchToHttp().getRequest<{ authUser?: AuthUser }>().authUser;
});
