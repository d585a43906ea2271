import { ConfigError, loadConfig } from './app-config';

describe('loadConfig', () => {
  it('has working defaults for the embedded run', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ NODE_ENV: 'development', PORT: 3000, MIGRATE_ON_START: true, SEED_DEMO_DATA: false });
    expect(config.embeddedDatabase).toBe(true);
    expect(config.embeddedRedis).toBe(true);
  });

  it('converts numbers and booleans from strings', () => {
    const config = loadConfig({ PORT: '8080', SEED_DEMO_DATA: 'true', MIGRATE_ON_START: '0', DATABASE_URL: 'postgresql://u@h/db' });
    expect(config).toMatchObject({ PORT: 8080, SEED_DEMO_DATA: true, MIGRATE_ON_START: false });
    expect(config.embeddedDatabase).toBe(false);
  });

  it('names every malformed variable', () => {
    let error: unknown;
    try {
      loadConfig({ PORT: 'eighty', DATABASE_URL: 'mysql://x', REDIS_URL: 'localhost:6379', LOG_LEVEL: 'loud' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join('\n');
    for (const name of ['PORT', 'DATABASE_URL', 'REDIS_URL', 'LOG_LEVEL']) expect(problems).toContain(`${name}=`);
  });

  const LIVE_WECHAT = {
    WECHAT_APPID: 'wx0123456789abcdef',
    WECHAT_SECRET: 'secret',
    WECHAT_PAY_MCHID: '1900000109',
    WECHAT_PAY_PRIVATE_KEY_FILE: '/etc/qingting/apiclient_key.pem',
    WECHAT_PAY_CERT_SERIAL: '5157F09EFDC096DE15EBE81A47057A7232F1B8E1',
    WECHAT_PAY_API_V3_KEY: 'abcdefghijklmnopqrstuvwxyz012345',
    WECHAT_PAY_PUBLIC_KEY_FILE: '/etc/qingting/pub_key.pem',
    WECHAT_PAY_PUBLIC_KEY_ID: 'PUB_KEY_ID_0114232134912410000000000000',
    WECHAT_NOTIFY_BASE_URL: 'https://api.qingting.example',
  };

  it('refuses the embedded stand-ins and the WeChat simulator in production', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/DATABASE_URL: required in production[\s\S]*REDIS_URL: required[\s\S]*WECHAT_APPID: required[\s\S]*IDENTITY_VERIFIER: must be `http`/);
    const keys = {
      FIELD_ENCRYPTION_KEYS: `k2026:${Buffer.alloc(32, 7).toString('base64')}`,
      FIELD_ENCRYPTION_KEY_ID: 'k2026',
      IDENTITY_VERIFIER: 'http',
      IDENTITY_VERIFIER_URL: 'https://idcheck.example/verify',
      IDENTITY_VERIFIER_SECRET: 'secret',
    };
    expect(() => loadConfig({ NODE_ENV: 'production', DATABASE_URL: 'postgresql://u@h/db', REDIS_URL: 'redis://h:6379', ...LIVE_WECHAT })).toThrow(/FIELD_ENCRYPTION_KEYS: required in production/);
    expect(() => loadConfig({ NODE_ENV: 'production', DATABASE_URL: 'postgresql://u@h/db', REDIS_URL: 'redis://h:6379', ...LIVE_WECHAT, ...keys })).not.toThrow();
    expect(() => loadConfig({ ...keys, FIELD_ENCRYPTION_KEY_ID: 'k2025' })).toThrow(/FIELD_ENCRYPTION_KEY_ID: must name one of the keys/);
  });

  it('asks for the whole WeChat credential set once WECHAT_APPID is set, naming what is missing', () => {
    expect(loadConfig({}).wechatSimulated).toBe(true);
    let error: ConfigError | undefined;
    try {
      loadConfig({ WECHAT_APPID: 'wx0123456789abcdef', WECHAT_PAY_API_V3_KEY: 'too-short' });
    } catch (e) {
      error = e as ConfigError;
    }
    const problems = error!.problems.join('\n');
    expect(problems).toContain('WECHAT_PAY_API_V3_KEY="too-short"');
    for (const name of ['WECHAT_SECRET', 'WECHAT_PAY_MCHID', 'WECHAT_PAY_PRIVATE_KEY_FILE', 'WECHAT_PAY_CERT_SERIAL', 'WECHAT_NOTIFY_BASE_URL', 'WECHAT_PAY_PUBLIC_KEY_FILE']) {
      expect(problems).toContain(name);
    }
    const { WECHAT_PAY_PUBLIC_KEY_FILE: _f, WECHAT_PAY_PUBLIC_KEY_ID: _i, ...certificateMode } = LIVE_WECHAT;
    expect(() => loadConfig({ ...certificateMode, WECHAT_PAY_PLATFORM_CERT_FILES: '/etc/qingting/wechatpay_1.pem' })).not.toThrow();
  });
});
