import { createPrivateKey, createPublicKey } from 'node:crypto';
import Fastify, { FastifyInstance, FastifyServerOptions } from 'fastify';
import { generateKeyMaterial, KeyMaterial, loadOrCreateKeyMaterial } from '../wechat/protocol/dev-keys';
import { billRoutes } from './bill-routes';
import { cashierRoutes } from './cashier';
import type { SimContext } from './context';
import { controlRoutes } from './controls';
import { Notifier, WECHAT_RETRY_DELAYS_MS } from './notifier';
import { payEnvelope } from './pay-plugin';
import { platformRoutes } from './platform-routes';
import { refundRoutes } from './refunds';
import { BillFaults, SimStore } from './store';
import { transactionRoutes } from './transactions';
import { transferRoutes } from './transfers';

export interface SimulatorOptions {
  /** Fixed key material (tests). Otherwise read or created at `keysFile`, otherwise generated in memory. */
  keys?: KeyMaterial;
  keysFile?: string;
  host?: string;
  /** 0 (the default) picks a free port. */
  port?: number;
  /** The simulated business clock: order and refund times, bill dates and availability, code and link expiry. */
  now?: () => Date;
  /** Delays between notification retries; WeChat's real schedule by default. */
  retryDelaysMs?: number[];
  /** Refunds succeed by themselves after this delay; null leaves them PROCESSING until `/__sim/refunds/…`. Default 2000. */
  refundAutoCompleteMs?: number | null;
  /** JSON snapshot of the state: loaded at start, written after changes. */
  stateFile?: string;
  /** jscode2session calls allowed per minute before 45011. Default 1000. */
  loginRateLimitPerMinute?: number;
  /** Bill faults active from the start (also settable with `POST /__sim/bill-faults`). */
  billFaults?: BillFaults;
  logger?: FastifyServerOptions['logger'];
}

export interface Simulator {
  /** Base URL, e.g. `http://127.0.0.1:3100`; both api.weixin.qq.com and api.mch.weixin.qq.com live here. */
  url: string;
  keys: KeyMaterial;
  app: FastifyInstance;
  store: SimStore;
  /** Stops listening, cancels retries and timers, writes the snapshot. */
  close(): Promise<void>;
}

function resolveKeys(options: SimulatorOptions): KeyMaterial {
  if (options.keys) return options.keys;
  if (options.keysFile) return loadOrCreateKeyMaterial(options.keysFile);
  return generateKeyMaterial();
}

/** Starts the WeChat platform simulator: login, content security, subscribe messages and WeChat Pay APIv3. */
export async function createSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const keys = resolveKeys(options);
  const now = options.now ?? (() => new Date());
  const store = new SimStore(options.stateFile);
  if (options.billFaults) store.state.billFaults = options.billFaults;
  const platform = { serial: keys.platform.publicKeyId, privateKey: createPrivateKey(keys.platform.privateKeyPem) };
  const notifier = new Notifier({ store, platform, apiV3Key: keys.apiV3Key, now, retryDelaysMs: options.retryDelaysMs ?? WECHAT_RETRY_DELAYS_MS });
  const ctx: SimContext = {
    keys,
    store,
    notifier,
    now,
    platform,
    merchantPublicKey: createPublicKey(keys.merchant.publicKeyPem),
    refundAutoCompleteMs: options.refundAutoCompleteMs === undefined ? 2000 : options.refundAutoCompleteMs,
    loginRateLimitPerMinute: options.loginRateLimitPerMinute ?? 1000,
    timers: new Set(),
  };

  const app = Fastify({ logger: options.logger ?? false });
  platformRoutes(app, ctx);
  await app.register(async (sim) => {
    controlRoutes(sim, ctx);
    cashierRoutes(sim, ctx);
  });
  await app.register(
    async (pay) => {
      payEnvelope(pay, ctx);
      transactionRoutes(pay, ctx);
      refundRoutes(pay, ctx);
      billRoutes(pay, ctx);
      transferRoutes(pay, ctx);
    },
    { prefix: '/v3' },
  );

  const address = await app.listen({ host: options.host ?? '127.0.0.1', port: options.port ?? 0 });
  notifier.resumePending();
  return {
    url: address.replace('[::1]', 'localhost'),
    keys,
    app,
    store,
    async close() {
      notifier.close();
      for (const t of ctx.timers) clearTimeout(t);
      ctx.timers.clear();
      await app.close();
      store.flush();
    },
  };
}
