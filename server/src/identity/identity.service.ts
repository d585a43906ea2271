import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { Role } from '@qingting/prisma';
import { avatarPath, makeAlias } from '@qingting/shared';
import { AuditService } from '../audit/audit.service';
import { DomainError } from '../common/errors/domain-error';
import { RateLimiter } from '../common/rate-limiter.service';
import { AppConfig } from '../infra/config/app-config';
import { PrismaService } from '../infra/database/prisma.service';
import { RealtimeService } from '../realtime/realtime.service';
import { ContentSecurityService } from '../wechat/content-security.service';
import { WechatApiClient, WechatApiError } from '../wechat/wechat-api.client';
import type { AuthUser } from './auth.decorators';
import { FieldCrypto } from './field-crypto.service';
import { IssuedSession, SessionService } from './session.service';
import { ListenersService } from '../listeners/listeners.service';

/** What a person sees of their own account; never their openid. */
export interface Me {
  id: string;
  alias: string;
  avatarUrl: string;
  roles: Role[];
  hasPhone: boolean;
  listener: { tier: string; status: string } | null;
}

/** WeChat login errcodes that mean "this code is no good": ask the mini-program to log in again. */
const BAD_CODE = new Set([40029, 40163, 40226]);

@Injectable()
export class IdentityService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly wechat: WechatApiClient,
    private readonly sessions: SessionService,
    private readonly crypto: FieldCrypto,
    private readonly contentSecurity: ContentSecurityService,
    private readonly audit: AuditService,
    private readonly limiter: RateLimiter,
    private readonly config: AppConfig,
    private readonly listeners: ListenersService,
    private readonly realtime: RealtimeService,
  ) {}

  /** wx.login code → openid → the user (created with a random alias and avatar on first login) → a session. */
  async login(code: string, clientIp: string): Promise<IssuedSession & { user: Me }> {
    await this.limiter.hit('login', clientIp, this.config.LOGIN_RATE_LIMIT_PER_MINUTE, 60);
    let openid: string;
    try {
      ({ openid } = await this.wechat.code2Session(code));
    } catch (err) {
      if (!(err instanceof WechatApiError)) throw err;
      if (BAD_CODE.has(err.errcode)) throw new DomainError('auth/login_failed', '登录凭证无效或已使用，请重新登录');
      if (err.errcode === 45011) throw new DomainError('rate/limited');
      throw new DomainError('auth/wechat_unavailable');
    }
    // Upsert: two first logins racing create one account.
    const user = await this.prisma.client.user.upsert({
      where: { openid },
      create: { openid, alias: makeAlias(), avatarSeed: randomUUID() },
      update: {},
      select: { id: true },
    });
    const session = await this.sessions.issue(user.id);
    return { ...session, user: await this.me(user.id) };
  }

  async me(userId: string): Promise<Me> {
    const user = await this.prisma.client.user.findUniqueOrThrow({
      where: { id: userId },
      select: { id: true, alias: true, avatarSeed: true, roles: true, phoneEnc: true, listener: { select: { tier: true, status: true } } },
    });
    return {
      id: user.id,
      alias: user.alias,
      avatarUrl: avatarPath(user.avatarSeed, user.alias),
      roles: user.roles,
      hasPhone: user.phoneEnc !== null,
      listener: user.listener,
    };
  }

  /** A new alias goes through WeChat content security first; anything but a clear pass is refused. */
  async changeAlias(actor: AuthUser, alias: string): Promise<Me> {
    await this.limiter.hit('profile', actor.id, this.config.PROFILE_RATE_LIMIT_PER_HOUR, 3600);
    const trimmed = alias.trim();
    const { openid } = await this.prisma.client.user.findUniqueOrThrow({ where: { id: actor.id }, select: { openid: true } });
    const check = await this.contentSecurity.check(trimmed, openid, 1);
    if (check.decision === 'reject') throw new DomainError('identity/alias_rejected');
    if (check.decision === 'hold') throw new DomainError('identity/alias_not_accepted');
    await this.prisma.client.$transaction(async (tx) => {
      await tx.user.update({ where: { id: actor.id }, data: { alias: trimmed } });
      await this.audit.record({ actorId: actor.id, action: 'identity.alias_change', subjectType: 'user', subjectId: actor.id }, tx);
    });
    // A listener is searchable by alias: keep the search text in step.
    await this.listeners.refreshSearchText(actor.id);
    return this.me(actor.id);
  }

  async shuffleAvatar(actor: AuthUser): Promise<Me> {
    await this.limiter.hit('profile', actor.id, this.config.PROFILE_RATE_LIMIT_PER_HOUR, 3600);
    await this.prisma.client.user.update({ where: { id: actor.id }, data: { avatarSeed: randomUUID() } });
    return this.me(actor.id);
  }

  async setPhone(actor: AuthUser, phone: string): Promise<Me> {
    await this.limiter.hit('profile', actor.id, this.config.PROFILE_RATE_LIMIT_PER_HOUR, 3600);
    await this.prisma.client.user.update({ where: { id: actor.id }, data: { phoneEnc: this.crypto.encrypt(phone) } });
    return this.me(actor.id);
  }

  /**
   * Deletes the account: personal data is erased (openid, alias, avatar, phone), the row stays
   * so money records keep their references, a listener profile leaves discovery, and every
   * session ends. Logging in again with the same WeChat account starts a new account.
   */
  async deleteAccount(actor: AuthUser): Promise<void> {
    await this.prisma.client.$transaction(async (tx) => {
      await tx.user.update({
        where: { id: actor.id },
        data: { openid: `deleted:${actor.id}`, alias: '已注销用户', avatarSeed: 'deleted', phoneEnc: null, roles: [], deletedAt: new Date() },
      });
      await tx.listenerProfile.updateMany({ where: { userId: actor.id }, data: { status: 'SUSPENDED', suspendedReason: 'account_deleted', online: false } });
      await this.audit.record({ actorId: actor.id, action: 'identity.delete', subjectType: 'user', subjectId: actor.id }, tx);
    });
    await this.sessions.revokeAll(actor.id);
    // Open sockets were authenticated before: close them on every instance too (4401: logged out).
    await this.realtime.disconnectUser(actor.id);
  }
}
