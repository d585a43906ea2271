import { createCipheriv, createDecipheriv } from 'node:crypto';
import type { EncryptedResource } from './types';

/** AEAD_AES_256_GCM as WeChat Pay uses it for notification resources. */
export const AEAD_ALGORITHM = 'AEAD_AES_256_GCM';
const TAG_BYTES = 16;

function keyBytes(apiV3Key: string): Buffer {
  const key = Buffer.from(apiV3Key, 'utf8');
  if (key.length !== 32) throw new Error(`APIv3 key must be 32 bytes, got ${key.length}`);
  return key;
}

function nonceBytes(nonce: string): Buffer {
  const iv = Buffer.from(nonce, 'utf8');
  if (iv.length !== 12) throw new Error(`AEAD nonce must be 12 bytes, got ${iv.length}`);
  return iv;
}

/** Returns base64(ciphertext ‖ 16-byte tag). */
export function aeadEncrypt(plaintext: string, apiV3Key: string, nonce: string, associatedData: string): string {
  const cipher = createCipheriv('aes-256-gcm', keyBytes(apiV3Key), nonceBytes(nonce));
  cipher.setAAD(Buffer.from(associatedData, 'utf8'));
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return Buffer.concat([body, cipher.getAuthTag()]).toString('base64');
}

/** Throws when the key, nonce, AAD or ciphertext do not authenticate. */
export function aeadDecrypt(ciphertextB64: string, apiV3Key: string, nonce: string, associatedData: string): string {
  const data = Buffer.from(ciphertextB64, 'base64');
  if (data.length < TAG_BYTES) throw new Error('AEAD ciphertext shorter than its tag');
  const decipher = createDecipheriv('aes-256-gcm', keyBytes(apiV3Key), nonceBytes(nonce));
  decipher.setAAD(Buffer.from(associatedData, 'utf8'));
  decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
  return Buffer.concat([decipher.update(data.subarray(0, data.length - TAG_BYTES)), decipher.final()]).toString('utf8');
}

/** Decrypts a notification's `resource` and parses the JSON inside. */
export function decryptResource<T>(resource: EncryptedResource, apiV3Key: string): T {
  if (resource.algorithm !== AEAD_ALGORITHM) throw new Error(`unsupported resource algorithm ${resource.algorithm}`);
  return JSON.parse(aeadDecrypt(resource.ciphertext, apiV3Key, resource.nonce, resource.associated_data ?? '')) as T;
}
