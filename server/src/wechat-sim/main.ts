import path from 'node:path';
import { workspaceRoot } from '@qingting/prisma';
import { createSimulator } from './simulator';

/**
 * `pnpm sim`: the WeChat simulator on its own. Reads WECHAT_SIM_HOST (127.0.0.1),
 * WECHAT_SIM_PORT (3100), WECHAT_KEYS_FILE (<workspace>/.data/wechat-keys.json, shared with
 * the API so both hold one matching key set) and WECHAT_SIM_STATE_FILE (optional snapshot).
 */
async function main(): Promise<void> {
  const port = Number(process.env.WECHAT_SIM_PORT || 3100);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`WECHAT_SIM_PORT=${process.env.WECHAT_SIM_PORT}: not a port`);
  const keysFile = process.env.WECHAT_KEYS_FILE || path.join(workspaceRoot(), '.data', 'wechat-keys.json');
  const stateFile = process.env.WECHAT_SIM_STATE_FILE || undefined;
  const sim = await createSimulator({ host: process.env.WECHAT_SIM_HOST || '127.0.0.1', port, keysFile, stateFile });
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      sim.close().then(() => process.exit(0), () => process.exit(1));
    });
  }
  const lines = [
    `WeChat simulator   ${sim.url}`,
    `keys               ${keysFile}`,
    `state              ${stateFile ?? 'in memory'}`,
    `cashier (H5)       ${sim.url}/__sim/cashier?prepay_id=…&return_url=…`,
    `dev login code     "dev:<anything>" → a stable openid`,
  ];
  process.stdout.write(`\n${lines.map((l) => `  ${l}`).join('\n')}\n\n`);
}

main().catch((err) => {
  process.stderr.write(`WeChat simulator failed to start: ${err?.stack ?? err}\n`);
  process.exit(1);
});
