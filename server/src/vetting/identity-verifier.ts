import { createHash } from 'node:crypto';
import { Logger } from '@nestjs/common';
import type { AppConfig } from '../infra/config/app-config';

/** Result of a real-name check: `ref` identifies the check at the provider (kept on the application). */
export interface IdentityCheckResult {
  verified: boolean;
  ref: string;
  /** Why it failed, for logs and the reviewer; never shown to the applicant in detail. */
  reason?: string;
}

/** The identity provider port (real name + ID number, "二要素"). */
export interface IdentityVerifier {
  verify(realName: string, idNumber: string): Promise<IdentityCheckResult>;
}

export const IDENTITY_VERIFIER = Symbol('IDENTITY_VERIFIER');

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK_CODES = '10X98765432';

/** GB 11643-1999: 17 digits and a check character (ISO 7064 MOD 11-2), with a real birth date. */
export function isValidChineseIdNumber(id: string): boolean {
  if (!/^\d{17}[\dX]$/.test(id)) return false;
  const sum = WEIGHTS.reduce((acc, w, i) => acc + w * Number(id[i]), 0);
  if (CHECK_CODES[sum % 11] !== id[17]) return false;
  return birthDateOf(id) !== null;
}

/** The birth date encoded in positions 7–14, or null when it is not a real date. */
export function birthDateOf(id: string): { y: number; m: number; d: number } | null {
  const y = Number(id.slice(6, 10));
  const m = Number(id.slice(10, 12));
  const d = Number(id.slice(12, 14));
  const date = new Date(Date.UTC(y, m - 1, d));
  if (y < 1900 || date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) return null;
  return { y, m, d };
}

/** Full years of age on `now` in Beijing time. */
export function ageOn(birth: { y: number; m: number; d: number }, now: Date): number {
  const bj = new Date(now.getTime() + 8 * 3600_000);
  const [y, m, d] = [bj.getUTCFullYear(), bj.getUTCMonth() + 1, bj.getUTCDate()];
  return y - birth.y - (m < birth.m || (m === birth.m && d < birth.d) ? 1 : 0);
}

/**
 * Development and tests: no provider is called. Passes a checksum-valid ID of someone at least
 * 18; a name containing "测试失败" always fails (to exercise the failure path).
 */
export class SimulatedIdentityVerifier implements IdentityVerifier {
  constructor(private readonly now: () => Date = () => new Date()) {}

  async verify(realName: string, idNumber: string): Promise<IdentityCheckResult> {
    const ref = `sim-${createHash('sha256').update(`${realName}|${idNumber}`).digest('hex').slice(0, 16)}`;
    if (realName.includes('测试失败')) return { verified: false, ref, reason: 'name_mismatch' };
    if (!isValidChineseIdNumber(idNumber)) return { verified: false, ref, reason: 'invalid_id_number' };
    if (ageOn(birthDateOf(idNumber)!, this.now()) < 18) return { verified: false, ref, reason: 'under_18' };
    return { verified: true, ref };
  }
}

/**
 * A real provider behind a small HTTP gateway (IDENTITY_VERIFIER=http): POST
 * `{realName, idNumber}` to IDENTITY_VERIFIER_URL with `authorization: Bearer IDENTITY_VERIFIER_SECRET`,
 * answered `{verified: boolean, ref: string}`. Checksum and age are checked locally first.
 * A provider failure counts as "not verified" (the applicant may retry), never as verified.
 */
export class HttpIdentityVerifier implements IdentityVerifier {
  private readonly logger = new Logger('IdentityVerifier');
  constructor(private readonly url: string, private readonly secret?: string) {}

  async verify(realName: string, idNumber: string): Promise<IdentityCheckResult> {
    if (!isValidChineseIdNumber(idNumber)) return { verified: false, ref: 'local', reason: 'invalid_id_number' };
    if (ageOn(birthDateOf(idNumber)!, new Date()) < 18) return { verified: false, ref: 'local', reason: 'under_18' };
    try {
      const res = await fetch(this.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(this.secret ? { authorization: `Bearer ${this.secret}` } : {}) },
        body: JSON.stringify({ realName, idNumber }),
        signal: AbortSignal.timeout(5000),
      });
      const body = (await res.json()) as { verified?: unknown; ref?: unknown };
      if (!res.ok) return { verified: false, ref: 'provider-error', reason: `http_${res.status}` };
      return { verified: body.verified === true, ref: String(body.ref ?? ''), reason: body.verified === true ? undefined : 'provider_rejected' };
    } catch (err) {
      this.logger.warn(`identity provider unavailable: ${(err as Error).message}`);
      return { verified: false, ref: 'provider-unavailable', reason: 'provider_unavailable' };
    }
  }
}

export function identityVerifierFor(config: AppConfig): IdentityVerifier {
  return config.IDENTITY_VERIFIER === 'http' ? new HttpIdentityVerifier(config.IDENTITY_VERIFIER_URL!, config.IDENTITY_VERIFIER_SECRET) : new SimulatedIdentityVerifier();
}
