import { DomainError } from '../common/errors/domain-error';

/**
 * Opaque keyset cursors: base64url of JSON holding what the next page continues after
 * (the last row's sort key and id, and which sort it belongs to).
 */
export function encodeCursor(value: Record<string, string | number>): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
}

const invalid = () =>
  new DomainError('request/invalid', '请求参数有误：cursor 无效，请从第一页重新加载', [{ field: 'cursor', problem: 'cursor 无效，请从第一页重新加载' }]);

/** Decodes a cursor and checks it with `accept`; anything else is 400 `request/invalid` on `cursor`. */
export function decodeCursor<T>(cursor: string, accept: (v: Record<string, unknown>) => T | undefined): T {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw invalid();
  const out = accept(parsed as Record<string, unknown>);
  if (out === undefined) throw invalid();
  return out;
}

export const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isSafeInt = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v);
