import fs from 'node:fs';
import path from 'node:path';
import { createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes, randomInt } from 'node:crypto';
import { signSha256Rsa, verifySha256Rsa } from './signing';

/**
 * A complete, matching set of WeChat credentials for development and tests: what the server
 * needs (merchant private key, certificate serial, APIv3 key, platform public key and id,
 * appid/secret, mchid) and what the simulator needs (the other halves). In production these
 * come from the WeChat admin consoles instead.
 */
export interface KeyMaterial {
  appid: string;
  secret: string;
  mchid: string;
  /** 32 ASCII characters, the AES-256-GCM key for notifications. */
  apiV3Key: string;
  merchant: {
    privateKeyPem: string;
    /** The merchant "certificate": a bare public key in dev; a real apiclient_cert.pem works too. */
    publicKeyPem: string;
    /** Merchant API certificate serial, 40 uppercase hex digits. */
    serialNo: string;
  };
  platform: {
    privateKeyPem: string;
    publicKeyPem: string;
    /** WeChat Pay public-key id, `PUB_KEY_ID_` + digits. */
    publicKeyId: string;
  };
}

const ALNUM = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

function digits(n: number): string {
  return Array.from({ length: n }, () => randomInt(10)).join('');
}

function rsaPair(): { privateKeyPem: string; publicKeyPem: string } {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}

export function generateKeyMaterial(): KeyMaterial {
  const mchid = `19${digits(8)}`;
  return {
    appid: `wx${randomBytes(8).toString('hex')}`,
    secret: randomBytes(16).toString('hex'),
    mchid,
    apiV3Key: Array.from(randomBytes(32), (b) => ALNUM[b % ALNUM.length]).join(''),
    merchant: { ...rsaPair(), serialNo: randomBytes(20).toString('hex').toUpperCase() },
    platform: { ...rsaPair(), publicKeyId: `PUB_KEY_ID_01${mchid}${digits(16)}` },
  };
}

/** Throws naming the problem when a loaded set is incomplete or its halves do not match. */
export function assertKeyMaterial(k: KeyMaterial, source: string): void {
  const problems: string[] = [];
  if (!/^wx[0-9a-f]{16}$/i.test(k?.appid ?? '')) problems.push('appid');
  if (!k?.secret) problems.push('secret');
  if (!/^\d{8,12}$/.test(k?.mchid ?? '')) problems.push('mchid');
  if (Buffer.byteLength(k?.apiV3Key ?? '') !== 32) problems.push('apiV3Key (must be 32 bytes)');
  if (!/^[0-9A-F]{40}$/.test(k?.merchant?.serialNo ?? '')) problems.push('merchant.serialNo');
  if (!/^PUB_KEY_ID_\d+$/.test(k?.platform?.publicKeyId ?? '')) problems.push('platform.publicKeyId');
  if (!problems.length) {
    for (const side of ['merchant', 'platform'] as const) {
      try {
        const sig = signSha256Rsa('probe', createPrivateKey(k[side].privateKeyPem));
        if (!verifySha256Rsa('probe', sig, createPublicKey(k[side].publicKeyPem))) problems.push(`${side} key pair does not match`);
      } catch {
        problems.push(`${side} keys are not valid PEM`);
      }
    }
  }
  if (problems.length) throw new Error(`WeChat key material in ${source} is invalid: ${problems.join(', ')}`);
}

/**
 * Reads the key set from `file`, or generates and stores one (mode 0600). The file is created
 * by linking a fully written temp file, so when the API and the simulator start together the
 * loser of the race reads the winner's set and both agree.
 */
export function loadOrCreateKeyMaterial(file: string): KeyMaterial {
  if (!fs.existsSync(file)) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    fs.writeFileSync(tmp, `${JSON.stringify(generateKeyMaterial(), null, 2)}\n`, { mode: 0o600 });
    try {
      fs.linkSync(tmp, file);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    } finally {
      fs.unlinkSync(tmp);
    }
  }
  const material = JSON.parse(fs.readFileSync(file, 'utf8')) as KeyMaterial;
  assertKeyMaterial(material, file);
  return material;
}
