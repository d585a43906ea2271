import { createHash, randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { SimContext } from './context';

const CODE_VALIDITY_MS = 5 * 60 * 1000;
const TOKEN_VALIDITY_S = 7200;

/** Codes of this form log in without minting one first (H5 build, manual testing); they map to a stable openid and can be reused. */
export const DEV_CODE_PREFIX = 'dev:';

export function devOpenid(code: string): string {
  return `sim-openid-${createHash('sha256').update(code.slice(DEV_CODE_PREFIX.length)).digest('hex').slice(0, 16)}`;
}

export function mintLoginCode(ctx: SimContext, openid?: string, unionid?: string): { code: string; openid: string } {
  const code = randomBytes(16).toString('hex');
  const id = openid ?? `sim-openid-${randomBytes(8).toString('hex')}`;
  ctx.store.state.loginCodes[code] = { openid: id, unionid, issued_at: ctx.now().toISOString() };
  ctx.store.changed();
  return { code, openid: id };
}

const err = (errcode: number, errmsg: string) => ({ errcode, errmsg });

/** Checks the access_token query parameter; returns the error body to answer with, or null. */
function tokenError(ctx: SimContext, token: string | undefined): object | null {
  const current = ctx.store.state.accessToken;
  if (!token || !current || token !== current.token) return err(40001, 'invalid credential, access_token is invalid or not latest');
  if (ctx.now().getTime() >= Date.parse(current.expires_at)) return err(42001, 'access_token expired');
  return null;
}

function matchVerdict(ctx: SimContext, content: string): { suggest: 'pass' | 'review' | 'risky'; label: number; keyword?: string } {
  const rules = ctx.store.state.contentRules;
  const risky = rules.risky.find((k) => content.includes(k));
  if (risky) return { suggest: 'risky', label: 20006, keyword: risky };
  const review = rules.review.find((k) => content.includes(k));
  if (review) return { suggest: 'review', label: 21000, keyword: review };
  return { suggest: rules.verdict, label: rules.verdict === 'pass' ? 100 : 21000 };
}

/** api.weixin.qq.com: login, access token, content security, subscribe messages. Answers in WeChat's `{errcode, errmsg}` style. */
export function platformRoutes(app: FastifyInstance, ctx: SimContext): void {
  const rate = { minute: -1, count: 0 };

  app.get<{ Querystring: Record<string, string | undefined> }>('/sns/jscode2session', async (request, reply) => {
    const q = request.query;
    // WeChat really answers this endpoint as text/plain JSON; clients must not rely on the content type.
    const answer = (body: object) => reply.header('Content-Type', 'text/plain').send(JSON.stringify(body));
    if (q.appid !== ctx.keys.appid) return answer(err(40013, 'invalid appid'));
    if (q.secret !== ctx.keys.secret) return answer(err(40125, 'invalid appsecret'));
    if (q.grant_type !== 'authorization_code') return answer(err(40002, 'invalid grant_type'));
    const minute = Math.floor(ctx.now().getTime() / 60_000);
    if (rate.minute !== minute) Object.assign(rate, { minute, count: 0 });
    if (++rate.count > ctx.loginRateLimitPerMinute) return answer(err(45011, 'api minute-quota reach limit  mustslower  retry next minute'));
    const code = q.js_code ?? '';
    const session_key = randomBytes(16).toString('base64');
    if (code.startsWith(DEV_CODE_PREFIX) && code.length > DEV_CODE_PREFIX.length) return answer({ session_key, openid: devOpenid(code) });
    const entry = ctx.store.state.loginCodes[code];
    if (!entry || ctx.now().getTime() - Date.parse(entry.issued_at) >= CODE_VALIDITY_MS) return answer(err(40029, 'invalid code'));
    if (entry.used_at) return answer(err(40163, 'code been used'));
    entry.used_at = ctx.now().toISOString();
    ctx.store.changed();
    return answer({ session_key, openid: entry.openid, ...(entry.unionid ? { unionid: entry.unionid } : {}) });
  });

  app.post<{ Body: Record<string, unknown> | undefined }>('/cgi-bin/stable_token', async (request) => {
    const b = request.body ?? {};
    if (b.grant_type !== 'client_credential') return err(40002, 'invalid grant_type');
    if (b.appid !== ctx.keys.appid) return err(40013, 'invalid appid');
    if (b.secret !== ctx.keys.secret) return err(40125, 'invalid appsecret');
    const now = ctx.now().getTime();
    let current = ctx.store.state.accessToken;
    // The stable token stays the same until it expires or the caller forces a refresh.
    if (!current || b.force_refresh === true || now >= Date.parse(current.expires_at)) {
      current = { token: randomBytes(48).toString('base64url'), expires_at: new Date(now + TOKEN_VALIDITY_S * 1000).toISOString() };
      ctx.store.state.accessToken = current;
      ctx.store.changed();
    }
    return { access_token: current.token, expires_in: Math.floor((Date.parse(current.expires_at) - now) / 1000) };
  });

  app.post<{ Querystring: { access_token?: string }; Body: Record<string, unknown> | undefined }>('/wxa/msg_sec_check', async (request) => {
    const bad = tokenError(ctx, request.query.access_token);
    if (bad) return bad;
    const b = request.body ?? {};
    if (typeof b.content !== 'string' || b.version !== 2 || ![1, 2, 3, 4].includes(b.scene as number) || typeof b.openid !== 'string' || !b.openid) {
      return err(47001, 'data format error');
    }
    if (ctx.store.state.contentRules.unavailable) return err(-1, 'system error');
    const verdict = matchVerdict(ctx, b.content);
    const trace_id = randomBytes(12).toString('hex');
    return {
      errcode: 0,
      errmsg: 'ok',
      result: { suggest: verdict.suggest, label: verdict.label },
      detail: [{ strategy: 'content_model', errcode: 0, suggest: verdict.suggest, label: verdict.label, prob: verdict.suggest === 'pass' ? 0 : 90, ...(verdict.keyword ? { keyword: verdict.keyword } : {}) }],
      trace_id,
    };
  });

  app.post<{ Querystring: { access_token?: string }; Body: Record<string, unknown> | undefined }>('/cgi-bin/message/subscribe/send', async (request) => {
    const bad = tokenError(ctx, request.query.access_token);
    if (bad) return bad;
    const b = request.body ?? {};
    if (typeof b.touser !== 'string' || typeof b.template_id !== 'string' || !b.data || typeof b.data !== 'object') return err(47003, 'argument invalid!');
    ctx.store.state.subscribeMessages.push({ at: ctx.now().toISOString(), body: b });
    ctx.store.changed();
    return { errcode: 0, errmsg: 'ok', msgid: ctx.store.next() };
  });
}
