import { paramError } from './pay-error';

/** Small field checks that report like WeChat (400 PARAM_ERROR naming the field). */
export type Body = Record<string, unknown>;

export function object(body: unknown, field = 'body'): Body {
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw paramError(field, '必须是JSON对象');
  return body as Body;
}

export function str(body: Body, field: string, opts: { min?: number; max?: number; pattern?: RegExp; optional?: boolean } = {}): string | undefined {
  const v = body[field];
  if (v === undefined || v === null) {
    if (opts.optional) return undefined;
    throw paramError(field, '不能为空');
  }
  if (typeof v !== 'string') throw paramError(field, '必须是字符串');
  const len = [...v].length;
  if (len < (opts.min ?? 1)) throw paramError(field, `长度不能小于${opts.min ?? 1}`);
  if (opts.max !== undefined && len > opts.max) throw paramError(field, `长度不能超过${opts.max}`);
  if (opts.pattern && !opts.pattern.test(v)) throw paramError(field, '格式不正确');
  return v;
}

export function reqStr(body: Body, field: string, opts: { min?: number; max?: number; pattern?: RegExp } = {}): string {
  return str(body, field, opts) as string;
}

export function int(body: Body, field: string, min = 1): number {
  const v = body[field];
  if (typeof v !== 'number' || !Number.isSafeInteger(v)) throw paramError(field, '必须是整数');
  if (v < min) throw paramError(field, `不能小于${min}`);
  return v;
}

/**
 * WeChat requires an https notify_url without a query string. The simulator also accepts plain
 * http to loopback hosts, because in development and tests the API listens on localhost.
 */
export function notifyUrl(body: Body, field: string, optional = false): string | undefined {
  const v = str(body, field, { max: 256, optional });
  if (v === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(v);
  } catch {
    throw paramError(field, '不是合法的URL');
  }
  const loopback = ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) throw paramError(field, '必须是https地址');
  if (url.search) throw paramError(field, '不能携带查询参数');
  return v;
}

export const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
