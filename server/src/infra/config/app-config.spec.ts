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

  it('refuses the embedded stand-ins in production', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/DATABASE_URL: required in production[\s\S]*REDIS_URL: required/);
    expect(() => loadConfig({ NODE_ENV: 'production', DATABASE_URL: 'postgresql://u@h/db', REDIS_URL: 'redis://h:6379' })).not.toThrow();
  });
});
