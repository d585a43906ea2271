import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Injectable } from '@nestjs/common';
import { workspaceRoot } from '@qingting/prisma';
import { AppConfig } from '../infra/config/app-config';

const FORMAT = 'v1';

function devKeys(): { keys: Map<string, Buffer>; current: string } {
  // Development only (production requires FIELD_ENCRYPTION_KEYS): a key kept beside the embedded database.
  const file = path.join(workspaceRoot(), '.data', 'field-encryption-key');
  if (!fs.existsSync(file)) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    try {
      fs.writeFileSync(file, randomBytes(32).toString('base64'), { mode: 0o600, flag: 'wx' });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
  return { keys: new Map([['dev', Buffer.from(fs.readFileSync(file, 'utf8').trim(), 'base64')]]), current: 'dev' };
}

/**
 * AES-256-GCM for sensitive fields (real name, ID number, phone). A value is stored as
 * `v1.<keyId>.<iv>.<tag>.<ciphertext>` (base64url parts), so keys can rotate: new values use the
 * current key, old ones still decrypt with theirs.
 */
@Injectable()
export class FieldCrypto {
  private readonly keys: Map<string, Buffer>;
  private readonly current: string;

  constructor(config: AppConfig) {
    if (config.FIELD_ENCRYPTION_KEYS) {
      this.keys = new Map(config.FIELD_ENCRYPTION_KEYS.split(',').map((pair) => {
        const [id, key] = pair.split(':');
        return [id, Buffer.from(key, 'base64')] as const;
      }));
      this.current = config.FIELD_ENCRYPTION_KEY_ID!;
    } else {
      ({ keys: this.keys, current: this.current } = devKeys());
    }
  }

  encrypt(plain: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.keys.get(this.current)!, iv);
    const ct = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return [FORMAT, this.current, iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), ct.toString('base64url')].join('.');
  }

  decrypt(stored: string): string {
    const [format, keyId, iv, tag, ct] = stored.split('.');
    const key = this.keys.get(keyId);
    if (format !== FORMAT || !key) throw new Error(`cannot decrypt: unknown format or key id ${keyId}`);
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(ct, 'base64url')), decipher.final()]).toString('utf8');
  }

  /** The key id a stored value was encrypted with (for re-encryption after a rotation). */
  keyIdOf(stored: string): string {
    return stored.split('.')[1];
  }
}
