import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type Redis from 'ioredis';
import { REDIS } from '../infra/redis/redis.module';

/** Where the mini-program platform APIs live and who we are to them. */
export interface WechatApiOptions {
  /** https://api.weixin.qq.com in production; the simulator's URL in development and tests. */
  apiBase: string;
  appid: string;
  secret: string;
}
export const WECHAT_API_OPTIONS = Symbol('WECHAT_API_OPTIONS');

/** An `{errcode, errmsg}` answer from WeChat, or a transport failure (errcode -1). */
export class WechatApiError extends Error {
  constructor(
    readonly errcode: number,
    readonly errmsg: string,
  ) {
    super(`wechat api error ${errcode}: ${errmsg}`);
  }
}

export interface Code2Session {
  openid: string;
  sessionKey: string;
  unionid?: string;
}

export type ContentVerdict = 'pass' | 'review' | 'risky';

/** Tokens are refreshed this long before WeChat says they expire. */
const REFRESH_MARGIN_S = 300;
const LOCK_TTL_MS = 10_000;
const WAIT_STEP_MS = 100;
const REQUEST_TIMEOUT_MS = 5_000;
/** errcodes meaning "this access token is no longer valid". */
const TOKEN_INVALID = new Set([40001, 40014, 42001]);

// Deletes the key only if it still holds the value we put there (lock release, token invalidation).
const DEL_IF_EQUAL = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end";

/**
 * The mini-program platform APIs: login code exchange, the server access token, content
 * security and subscribe messages. The access token is shared by every instance through Redis
 * and refreshed by exactly one of them at a time (a Redis lock; the others wait for its result),
 * because each refresh can invalidate the token the other instances hold.
 */
@Injectable()
export class WechatApiClient {
  private readonly logger = new Logger(WechatApiClient.name);
  private inflightRefresh?: Promise<string>;

  constructor(
    @Inject(WECHAT_API_OPTIONS) private readonly options: WechatApiOptions,
    @Inject(REDIS) private readonly redis: Redis,
  ) {}

  private get tokenKey(): string {
    return `wechat:access_token:${this.options.appid}`;
  }

  async code2Session(code: string): Promise<Code2Session> {
    const query = new URLSearchParams({ appid: this.options.appid, secret: this.options.secret, js_code: code, grant_type: 'authorization_code' });
    const body = await this.call<{ openid: string; session_key: string; unionid?: string }>(`/sns/jscode2session?${query}`);
    return { openid: body.openid, sessionKey: body.session_key, unionid: body.unionid };
  }

  async accessToken(): Promise<string> {
    return (await this.redis.get(this.tokenKey)) ?? this.refreshToken();
  }

  /** WeChat content security (msgSecCheck v2) for user text; `scene` 1 profile, 2 comment, 3 forum, 4 social log. */
  async checkText(content: string, openid: string, scene: 1 | 2 | 3 | 4): Promise<{ verdict: ContentVerdict; label?: number }> {
    const body = await this.withToken((token) =>
      this.call<{ result?: { suggest: ContentVerdict; label?: number } }>(`/wxa/msg_sec_check?access_token=${token}`, { content, version: 2, scene, openid }),
    );
    return { verdict: body.result?.suggest ?? 'review', label: body.result?.label };
  }

  async sendSubscribeMessage(message: { touser: string; template_id: string; page?: string; data: Record<string, { value: string }> }): Promise<void> {
    await this.withToken((token) => this.call(`/cgi-bin/message/subscribe/send?access_token=${token}`, message));
  }

  /** Runs a call with the shared token; on "token invalid", drops that token and retries once. */
  private async withToken<T>(call: (token: string) => Promise<T>): Promise<T> {
    const token = await this.accessToken();
    try {
      return await call(token);
    } catch (err) {
      if (!(err instanceof WechatApiError) || !TOKEN_INVALID.has(err.errcode)) throw err;
      await this.redis.eval(DEL_IF_EQUAL, 1, this.tokenKey, token);
      return call(await this.refreshToken(token));
    }
  }

  /** One refresh per process at a time, and one per cluster through the Redis lock. */
  private refreshToken(stale?: string): Promise<string> {
    this.inflightRefresh ??= this.refreshAcrossInstances(stale).finally(() => (this.inflightRefresh = undefined));
    return this.inflightRefresh;
  }

  private async refreshAcrossInstances(stale?: string): Promise<string> {
    const lockKey = `${this.tokenKey}:lock`;
    const me = randomUUID();
    const deadline = Date.now() + LOCK_TTL_MS + REQUEST_TIMEOUT_MS;
    while (Date.now() < deadline) {
      const current = await this.redis.get(this.tokenKey);
      if (current && current !== stale) return current;
      if (await this.redis.set(lockKey, me, 'PX', LOCK_TTL_MS, 'NX')) {
        try {
          const fresh = await this.call<{ access_token: string; expires_in: number }>('/cgi-bin/stable_token', {
            grant_type: 'client_credential',
            appid: this.options.appid,
            secret: this.options.secret,
            force_refresh: false,
          });
          const ttlS = Math.max(60, fresh.expires_in - REFRESH_MARGIN_S);
          await this.redis.set(this.tokenKey, fresh.access_token, 'EX', ttlS);
          this.logger.log(`access token refreshed, cached for ${ttlS} s`);
          return fresh.access_token;
        } finally {
          await this.redis.eval(DEL_IF_EQUAL, 1, lockKey, me);
        }
      }
      await new Promise((r) => setTimeout(r, WAIT_STEP_MS));
    }
    throw new WechatApiError(-1, 'timed out waiting for another instance to refresh the access token');
  }

  /** GET when there is no body, POST JSON otherwise; any non-zero errcode becomes WechatApiError. */
  private async call<T>(pathAndQuery: string, body?: unknown): Promise<T> {
    let res: Response;
    try {
      res = await fetch(this.options.apiBase.replace(/\/+$/, '') + pathAndQuery, {
        method: body === undefined ? 'GET' : 'POST',
        headers: body === undefined ? undefined : { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
    } catch (err) {
      throw new WechatApiError(-1, `request failed: ${(err as Error).message}`);
    }
    const json = (await res.json().catch(() => ({ errcode: -1, errmsg: `HTTP ${res.status}, body is not JSON` }))) as T & { errcode?: number; errmsg?: string };
    if (json.errcode) throw new WechatApiError(json.errcode, json.errmsg ?? '');
    if (!res.ok) throw new WechatApiError(-1, `HTTP ${res.status}`);
    return json;
  }
}
