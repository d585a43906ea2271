import { loadConfig } from '../infra/config/app-config';
import { FieldCrypto } from './field-crypto.service';

const key = (n: number) => Buffer.alloc(32, n).toString('base64');

describe('FieldCrypto', () => {
  const old = new FieldCrypto(loadConfig({ FIELD_ENCRYPTION_KEYS: `k1:${key(1)}`, FIELD_ENCRYPTION_KEY_ID: 'k1' }));
  const rotated = new FieldCrypto(loadConfig({ FIELD_ENCRYPTION_KEYS: `k1:${key(1)},k2:${key(2)}`, FIELD_ENCRYPTION_KEY_ID: 'k2' }));

  it('round-trips, with a fresh IV each time and no plaintext in the stored form', () => {
    const a = old.encrypt('张三');
    const b = old.encrypt('张三');
    expect(a).not.toBe(b);
    expect(a).not.toContain('张三');
    expect(old.decrypt(a)).toBe('张三');
  });

  it('rotates keys: old values still decrypt, new values use the current key id', () => {
    const before = old.encrypt('110101199003074514');
    expect(rotated.decrypt(before)).toBe('110101199003074514');
    expect(rotated.keyIdOf(rotated.encrypt('x'))).toBe('k2');
    expect(() => old.decrypt(rotated.encrypt('x'))).toThrow(/unknown format or key id k2/);
  });

  it('refuses a tampered value', () => {
    const stored = old.encrypt('13812345678');
    const parts = stored.split('.');
    parts[4] = Buffer.from('00000000000').toString('base64url');
    expect(() => old.decrypt(parts.join('.'))).toThrow();
  });
});
