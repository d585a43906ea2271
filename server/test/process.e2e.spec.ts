import { spawn } from 'node:child_process';
import path from 'node:path';

const MAIN = path.resolve(__dirname, '..', 'dist', 'main.js');

function run(env: Record<string, string>, untilStdout?: RegExp) {
  const proc = spawn(process.execPath, [MAIN], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  const started = new Promise<void>((resolve) => {
    proc.stdout.on('data', (d) => {
      stdout += d;
      if (untilStdout?.test(stdout)) resolve();
    });
  });
  proc.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
  return { proc, started, exited, output: () => ({ stdout, stderr }) };
}

describe('the API process (built main.js)', () => {
  it('refuses to start on bad configuration, naming each variable, with exit code 78', async () => {
    const p = run({ PORT: 'eighty', REDIS_URL: 'localhost:6379' });
    expect(await p.exited).toBe(78);
    expect(p.output().stderr).toMatch(/PORT="eighty"/);
    expect(p.output().stderr).toMatch(/REDIS_URL="localhost:6379"/);
  });

  it('refuses to start when a WeChat key file cannot be read, naming the variable', async () => {
    const p = run({
      DATABASE_URL: process.env.DATABASE_URL!,
      REDIS_URL: process.env.REDIS_URL!,
      MIGRATE_ON_START: 'false',
      LOG_LEVEL: 'silent',
      WECHAT_APPID: 'wx0123456789abcdef',
      WECHAT_SECRET: 'secret',
      WECHAT_PAY_MCHID: '1900000109',
      WECHAT_PAY_PRIVATE_KEY_FILE: '/nonexistent/apiclient_key.pem',
      WECHAT_PAY_CERT_SERIAL: '5157F09EFDC096DE15EBE81A47057A7232F1B8E1',
      WECHAT_PAY_API_V3_KEY: 'abcdefghijklmnopqrstuvwxyz012345',
      WECHAT_PAY_PLATFORM_CERT_FILES: '/nonexistent/wechatpay.pem',
      WECHAT_NOTIFY_BASE_URL: 'https://api.qingting.example',
    });
    expect(await p.exited).toBe(78);
    expect(p.output().stderr).toMatch(/WECHAT_PAY_PLATFORM_CERT_FILES: cannot read \/nonexistent\/wechatpay.pem/);
  });

  it('shuts down cleanly on SIGTERM', async () => {
    const p = run(
      { PORT: '0', DATABASE_URL: process.env.DATABASE_URL!, REDIS_URL: process.env.REDIS_URL!, MIGRATE_ON_START: 'false', LOG_LEVEL: 'warn' },
      /health\s+http:\/\/\S+\/health\/ready/,
    );
    await p.started;
    const url = /health\s+(http:\/\/\S+)\/health\/ready/.exec(p.output().stdout)![1];
    expect((await fetch(`${url}/health/ready`)).status).toBe(200);
    p.proc.kill('SIGTERM');
    expect(await p.exited).toBe(0);
    await expect(fetch(`${url}/health/live`)).rejects.toThrow();
  });
});
