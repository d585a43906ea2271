import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadOrCreateKeyMaterial } from './dev-keys';

describe('development key material', () => {
  it('creates a complete set once (mode 0600) and reads the same set back', () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'wxkeys-')), 'nested', 'keys.json');
    const first = loadOrCreateKeyMaterial(file);
    expect(first.apiV3Key).toHaveLength(32);
    expect(first.merchant.serialNo).toMatch(/^[0-9A-F]{40}$/);
    expect(first.platform.publicKeyId).toMatch(/^PUB_KEY_ID_\d+$/);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(loadOrCreateKeyMaterial(file)).toEqual(first);
  });

  it('refuses a file whose key halves do not match', () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'wxkeys-')), 'keys.json');
    const k = loadOrCreateKeyMaterial(file);
    fs.writeFileSync(file, JSON.stringify({ ...k, merchant: { ...k.merchant, publicKeyPem: k.platform.publicKeyPem } }));
    expect(() => loadOrCreateKeyMaterial(file)).toThrow(/merchant key pair does not match/);
  });
});
