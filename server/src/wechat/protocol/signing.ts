import { createSign, createVerify, KeyLike, randomBytes } from 'node:crypto';

/** The only signature scheme WeChat Pay APIv3 uses. */
export const AUTH_SCHEMA = 'WECHATPAY2-SHA256-RSA2048';

/** Prefix of the probe signatures WeChat sends to check that merchants really verify. */
export const SIGNTEST_PREFIX = 'WECHATPAY/SIGNTEST/';

/** A response or notification whose timestamp is this far (or further) from now is rejected. */
export const MAX_CLOCK_SKEW_SECONDS = 300;

export const HEADER_TIMESTAMP = 'Wechatpay-Timestamp';
export const HEADER_NONCE = 'Wechatpay-Nonce';
export const HEADER_SIGNATURE = 'Wechatpay-Signature';
export const HEADER_SERIAL = 'Wechatpay-Serial';

type Body = string | Buffer;

/** Joins the parts WeChat signs: every part followed by `\n`, bytes kept as received. */
function message(parts: Body[]): Buffer {
  return Buffer.concat(parts.flatMap((p) => [typeof p === 'string' ? Buffer.from(p, 'utf8') : p, Buffer.from('\n')]));
}

/** `METHOD\nPATH_WITH_QUERY\nTIMESTAMP\nNONCE\nBODY\n`; BODY is empty for GET (the final newline stays). */
export function requestMessage(method: string, pathWithQuery: string, timestamp: string, nonce: string, body: Body = ''): Buffer {
  return message([method.toUpperCase(), pathWithQuery, timestamp, nonce, body]);
}

/** `TIMESTAMP\nNONCE\nBODY\n`, for responses and notifications. */
export function responseMessage(timestamp: string, nonce: string, body: Body = ''): Buffer {
  return message([timestamp, nonce, body]);
}

export function signSha256Rsa(data: Body, privateKey: KeyLike): string {
  return createSign('RSA-SHA256').update(data).sign(privateKey, 'base64');
}

export function verifySha256Rsa(data: Body, signature: string, publicKey: KeyLike): boolean {
  try {
    return createVerify('RSA-SHA256').update(data).verify(publicKey, signature, 'base64');
  } catch {
    return false; // a malformed key or signature is a failed verification, not a crash
  }
}

/** 32 characters of [0-9A-Z], the shape WeChat's own SDKs use for nonces. */
export function nonceStr(length = 32): string {
  const alphabet = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';
  return Array.from(randomBytes(length), (b) => alphabet[b % alphabet.length]).join('');
}

export function unixSeconds(now: Date = new Date()): string {
  return String(Math.floor(now.getTime() / 1000));
}

export interface AuthorizationParams {
  mchid: string;
  nonce_str: string;
  signature: string;
  timestamp: string;
  serial_no: string;
}

export function buildAuthorization(p: AuthorizationParams): string {
  return `${AUTH_SCHEMA} mchid="${p.mchid}",nonce_str="${p.nonce_str}",signature="${p.signature}",timestamp="${p.timestamp}",serial_no="${p.serial_no}"`;
}

/** Parses the header in any parameter order (SDKs differ); null when it is not a complete APIv3 header. */
export function parseAuthorization(header: string | undefined): AuthorizationParams | null {
  if (!header?.startsWith(`${AUTH_SCHEMA} `)) return null;
  const params: Record<string, string> = {};
  for (const m of header.slice(AUTH_SCHEMA.length + 1).matchAll(/(\w+)="([^"]*)"/g)) params[m[1]] = m[2];
  const keys = ['mchid', 'nonce_str', 'signature', 'timestamp', 'serial_no'] as const;
  if (keys.some((k) => !params[k])) return null;
  return Object.fromEntries(keys.map((k) => [k, params[k]])) as unknown as AuthorizationParams;
}

export interface MerchantSigner {
  mchid: string;
  /** Serial number of the merchant API certificate. */
  serialNo: string;
  privateKey: KeyLike;
}

/** The `Authorization` header value for a merchant request. */
export function signRequest(
  signer: MerchantSigner,
  req: { method: string; pathWithQuery: string; body?: Body },
  now: Date = new Date(),
  nonce: string = nonceStr(),
): string {
  const timestamp = unixSeconds(now);
  const signature = signSha256Rsa(requestMessage(req.method, req.pathWithQuery, timestamp, nonce, req.body ?? ''), signer.privateKey);
  return buildAuthorization({ mchid: signer.mchid, nonce_str: nonce, signature, timestamp, serial_no: signer.serialNo });
}

export type VerifyResult = { ok: true } | { ok: false; reason: string };

function timestampProblem(timestamp: string, now: Date): string | null {
  if (!/^\d{1,12}$/.test(timestamp)) return `malformed timestamp ${JSON.stringify(timestamp)}`;
  const skew = Math.abs(now.getTime() / 1000 - Number(timestamp));
  return skew >= MAX_CLOCK_SKEW_SECONDS ? `timestamp ${timestamp} is ${Math.round(skew)} s away from now` : null;
}

/**
 * Verifies a merchant request as WeChat does: the merchant id and certificate serial must be
 * the configured ones, the timestamp within 5 minutes, the signature valid over the raw body.
 */
export function verifyRequest(
  expected: { mchid: string; serialNo: string; publicKey: KeyLike },
  req: { method: string; pathWithQuery: string; body: Body; authorization: string | undefined },
  now: Date = new Date(),
): VerifyResult {
  const auth = parseAuthorization(req.authorization);
  if (!auth) return { ok: false, reason: 'missing or malformed Authorization header' };
  if (auth.mchid !== expected.mchid) return { ok: false, reason: `unknown mchid ${auth.mchid}` };
  if (auth.serial_no.toUpperCase() !== expected.serialNo.toUpperCase()) return { ok: false, reason: `unknown certificate serial ${auth.serial_no}` };
  const problem = timestampProblem(auth.timestamp, now);
  if (problem) return { ok: false, reason: problem };
  const msg = requestMessage(req.method, req.pathWithQuery, auth.timestamp, auth.nonce_str, req.body);
  return verifySha256Rsa(msg, auth.signature, expected.publicKey) ? { ok: true } : { ok: false, reason: 'signature does not match' };
}

export interface PlatformSigner {
  /** Platform public-key id (`PUB_KEY_ID_…`) or platform certificate serial. */
  serial: string;
  privateKey: KeyLike;
}

/** Headers that sign a response or notification body with the platform key. */
export function signResponse(signer: PlatformSigner, body: Body, now: Date = new Date(), nonce: string = nonceStr()): Record<string, string> {
  const timestamp = unixSeconds(now);
  return {
    [HEADER_TIMESTAMP]: timestamp,
    [HEADER_NONCE]: nonce,
    [HEADER_SIGNATURE]: signSha256Rsa(responseMessage(timestamp, nonce, body), signer.privateKey),
    [HEADER_SERIAL]: signer.serial,
    'Wechatpay-Signature-Type': AUTH_SCHEMA,
  };
}

/** Reads a header from a plain object (any case) or a fetch `Headers`. */
function header(headers: Record<string, string | string[] | undefined> | Headers, name: string): string | undefined {
  if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(name) ?? undefined;
  const lower = name.toLowerCase();
  const entry = Object.entries(headers).find(([k]) => k.toLowerCase() === lower)?.[1];
  return Array.isArray(entry) ? entry[0] : entry;
}

/**
 * Verifies a platform-signed response or notification over the raw body bytes. `publicKeys`
 * maps `Wechatpay-Serial` values (public-key ids, or certificate serials for older merchants)
 * to keys; an unknown serial, a stale timestamp or a `WECHATPAY/SIGNTEST/` probe fails.
 */
export function verifyPlatformSignature(
  publicKeys: Record<string, KeyLike>,
  headers: Record<string, string | string[] | undefined> | Headers,
  body: Body,
  now: Date = new Date(),
): VerifyResult {
  const [timestamp, nonce, signature, serial] = [HEADER_TIMESTAMP, HEADER_NONCE, HEADER_SIGNATURE, HEADER_SERIAL].map((h) => header(headers, h));
  if (!timestamp || !nonce || !signature || !serial) return { ok: false, reason: 'missing Wechatpay-* signature headers' };
  if (signature.startsWith(SIGNTEST_PREFIX)) return { ok: false, reason: 'probe signature (WECHATPAY/SIGNTEST/)' };
  const key = Object.prototype.hasOwnProperty.call(publicKeys, serial) ? publicKeys[serial] : undefined;
  if (!key) return { ok: false, reason: `unknown Wechatpay-Serial ${serial}` };
  const problem = timestampProblem(timestamp, now);
  if (problem) return { ok: false, reason: problem };
  return verifySha256Rsa(responseMessage(timestamp, nonce, body), signature, key) ? { ok: true } : { ok: false, reason: 'signature does not match' };
}

/** The parameters of `wx.requestPayment`, signed with the merchant key over `APPID\nTIMESTAMP\nNONCE\nprepay_id=…\n`. */
export interface RequestPaymentParams {
  timeStamp: string;
  nonceStr: string;
  package: string;
  signType: 'RSA';
  paySign: string;
}

export function paySign(appid: string, timeStamp: string, nonce: string, packageValue: string, merchantPrivateKey: KeyLike): string {
  return signSha256Rsa(message([appid, timeStamp, nonce, packageValue]), merchantPrivateKey);
}

export function requestPaymentParams(appid: string, prepayId: string, merchantPrivateKey: KeyLike, now: Date = new Date()): RequestPaymentParams {
  const timeStamp = unixSeconds(now);
  const nonce = nonceStr();
  const pkg = `prepay_id=${prepayId}`;
  return { timeStamp, nonceStr: nonce, package: pkg, signType: 'RSA', paySign: paySign(appid, timeStamp, nonce, pkg, merchantPrivateKey) };
}
