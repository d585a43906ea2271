import { createPrivateKey, randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { aeadEncrypt } from '../src/wechat/protocol/aead';
import { generateKeyMaterial, KeyMaterial } from '../src/wechat/protocol/dev-keys';
import { signResponse } from '../src/wechat/protocol/signing';
import type { NotificationEnvelope, NotificationEventType } from '../src/wechat/protocol/types';
import { createSimulator, Simulator, SimulatorOptions } from '../src/wechat-sim/simulator';

export interface TestSimulator {
  sim: Simulator;
  /** Environment that points the app (loadConfig) at this simulator with its keys. */
  env: Record<string, string>;
  /** POST a JSON body to a simulator control endpoint. */
  control<T = unknown>(pathname: string, body?: unknown): Promise<T>;
  close(): Promise<void>;
}

/** A simulator with a fresh key set written to a key file, fast notification retries, and quick refunds. */
export async function startTestSimulator(options: SimulatorOptions = {}): Promise<TestSimulator> {
  const keys = generateKeyMaterial();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qingting-wechat-'));
  const keysFile = path.join(dir, 'keys.json');
  fs.writeFileSync(keysFile, JSON.stringify(keys), { mode: 0o600 });
  const sim = await createSimulator({ keys, retryDelaysMs: [50, 100, 200], refundAutoCompleteMs: 50, ...options });
  return {
    sim,
    env: { WECHAT_KEYS_FILE: keysFile, WECHAT_SIM_URL: sim.url },
    async control<T>(pathname: string, body?: unknown) {
      const res = await fetch(sim.url + pathname, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body ?? {}) });
      return (await res.json()) as T;
    },
    async close() {
      await sim.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * A pass-through HTTP proxy to `target` that can count requests and rewrite response bodies, to
 * observe or corrupt real traffic in tests.
 */
export async function startProxy(
  target: string,
  rewrite: (req: http.IncomingMessage, body: Buffer) => Buffer = (_req, body) => body,
): Promise<{ url: string; requests: string[]; close(): Promise<void> }> {
  const requests: string[] = [];
  const server = http.createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    const upstream = http.request(target + req.url, { method: req.method, headers: req.headers }, (up) => {
      const chunks: Buffer[] = [];
      up.on('data', (c: Buffer) => chunks.push(c));
      up.on('end', () => {
        const body = rewrite(req, Buffer.concat(chunks));
        res.writeHead(up.statusCode ?? 502, { ...up.headers, 'content-length': String(body.length) });
        res.end(body);
      });
    });
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
    requests,
    close: () => new Promise((r) => server.close(() => r())),
  };
}

/** A WeChat Pay notification signed and encrypted as the platform does, with knobs to break it. */
export function craftNotification(
  keys: KeyMaterial,
  options: {
    id?: string;
    eventType?: NotificationEventType;
    resource: object;
    /** When the platform "sent" it (signature timestamp). */
    at?: Date;
    signWith?: { serial: string; privateKeyPem: string };
    signature?: string;
    corruptCiphertext?: boolean;
  },
): { headers: Record<string, string>; body: string } {
  const nonce = randomBytes(6).toString('hex');
  let ciphertext = aeadEncrypt(JSON.stringify(options.resource), keys.apiV3Key, nonce, 'transaction');
  if (options.corruptCiphertext) ciphertext = `${ciphertext.slice(0, 10)}${ciphertext[10] === 'A' ? 'B' : 'A'}${ciphertext.slice(11)}`;
  const envelope: NotificationEnvelope = {
    id: options.id ?? randomUUID(),
    create_time: new Date().toISOString(),
    resource_type: 'encrypt-resource',
    event_type: options.eventType ?? 'TRANSACTION.SUCCESS',
    summary: '支付成功',
    resource: { original_type: 'transaction', algorithm: 'AEAD_AES_256_GCM', ciphertext, associated_data: 'transaction', nonce },
  };
  const body = JSON.stringify(envelope);
  const signer = options.signWith ?? { serial: keys.platform.publicKeyId, privateKeyPem: keys.platform.privateKeyPem };
  const headers = signResponse({ serial: signer.serial, privateKey: createPrivateKey(signer.privateKeyPem) }, body, options.at ?? new Date());
  if (options.signature) headers['Wechatpay-Signature'] = options.signature;
  return { headers: { ...headers, 'content-type': 'application/json' }, body };
}
