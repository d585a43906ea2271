import path from 'node:path';
import { AppConfig, ConfigError, loadConfig } from './infra/config/app-config';
import { startApp } from './bootstrap';
import { defaultKeysFile } from './wechat/wechat-settings';
import { createSimulator, Simulator } from './wechat-sim/simulator';

/** The embedded run (`pnpm dev`) brings its own WeChat: the simulator, on WECHAT_SIM_URL, with the shared key file. */
async function startEmbeddedSimulator(config: AppConfig): Promise<Simulator | undefined> {
  if (!config.WECHAT_START_SIMULATOR || !config.wechatSimulated) return undefined;
  const url = new URL(config.WECHAT_SIM_URL);
  const simulator = await createSimulator({
    host: url.hostname,
    port: Number(url.port || 80),
    keysFile: defaultKeysFile(config),
    // Kept beside its keys: the simulator's orders only make sense with the keys that signed them.
    stateFile: path.join(path.dirname(defaultKeysFile(config)), 'wechat-sim-state.json'),
  });
  // Port 0 asks for any free port: the API must then call the one the simulator got.
  config.WECHAT_SIM_URL = simulator.url;
  return simulator;
}

async function main(): Promise<void> {
  const config = loadConfig();
  const simulator = await startEmbeddedSimulator(config);
  const app = await startApp(config);
  const grace = config.SHUTDOWN_GRACE_MS;
  let stopping = false;
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.on(signal, () => {
      if (stopping) return;
      stopping = true;
      // Stop accepting, let in-flight requests finish, close the stores; give up after the grace period.
      setTimeout(() => {
        process.stderr.write(`shutdown took longer than ${grace} ms, exiting\n`);
        process.exit(1);
      }, grace).unref();
      app
        .close()
        .then(() => simulator?.close())
        .then(
          () => process.exit(0),
          (err) => {
            process.stderr.write(`shutdown failed: ${err}\n`);
            process.exit(1);
          },
        );
    });
  }
  const url = (await app.getUrl()).replace('[::1]', 'localhost');
  const lines = [`倾听 API      ${url}/api/listeners`, `health       ${url}/health/ready`];
  if (config.H5_DIST_DIR) lines.unshift(`H5 app       ${url}/`);
  if (config.embeddedDatabase) lines.push(`database     embedded PGlite (${config.PGLITE_DIR ?? '.data/pglite'})`);
  if (config.embeddedRedis) lines.push('redis        in-process stand-in');
  if (config.wechatSimulated) lines.push(`wechat       simulator ${simulator ? simulator.url : config.WECHAT_SIM_URL} (keys ${defaultKeysFile(config)})`);
  process.stdout.write(`\n${lines.map((l) => `  ${l}`).join('\n')}\n\n`);
}

main().catch((err) => {
  if (err instanceof ConfigError) {
    process.stderr.write(`${err.message}\nSee the README's "Configuration" section.\n`);
    process.exit(78); // EX_CONFIG
  }
  process.stderr.write(`failed to start: ${err?.stack ?? err}\n`);
  process.exit(1);
});
