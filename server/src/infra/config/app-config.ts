import { plainToInstance, Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, Matches, Max, Min, validateSync } from 'class-validator';

const toBool = ({ value }: { value: unknown }) =>
  value === undefined || value === '' ? undefined : value === true || value === 'true' || value === '1' ? true : value === false || value === 'false' || value === '0' ? false : value;
const toInt = ({ value }: { value: unknown }) => (value === undefined || value === '' ? undefined : /^-?\d+$/.test(String(value)) ? Number(value) : value);
const emptyToUndefined = ({ value }: { value: unknown }) => (value === '' ? undefined : value);

/**
 * Every setting the server reads, validated once at start-up. Variables are documented in the
 * README; a missing or malformed one stops the process with a message naming it.
 */
export class AppConfig {
  @IsIn(['development', 'production', 'test'])
  NODE_ENV: 'development' | 'production' | 'test' = 'development';

  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT = 3000;

  @IsString()
  HOST = '127.0.0.1';

  /** Real PostgreSQL; unset means embedded PGlite under PGLITE_DIR (development only). */
  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^postgres(ql)?:\/\/\S+$/, { message: 'must be a postgresql:// connection URL' })
  DATABASE_URL?: string;

  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  PGLITE_DIR?: string;

  /** Real Redis; unset means an in-process stand-in (single process, development only). */
  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^rediss?:\/\/\S+$/, { message: 'must be a redis:// or rediss:// URL' })
  REDIS_URL?: string;

  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL: string = 'info';

  /** Comma-separated origins allowed to call the API from a browser, or `*`. */
  @IsString()
  CORS_ORIGINS = '*';

  /** When set, the H5 build in this folder is served at `/` (the embedded run does this). */
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  H5_DIST_DIR?: string;

  @Transform(toBool)
  @IsBoolean()
  MIGRATE_ON_START = true;

  /** Creates the demo data when the database has no users yet. */
  @Transform(toBool)
  @IsBoolean()
  SEED_DEMO_DATA = false;

  /** How long a shutdown waits for in-flight requests before closing connections. */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  SHUTDOWN_GRACE_MS = 10_000;

  get embeddedDatabase(): boolean {
    return !this.DATABASE_URL;
  }

  get embeddedRedis(): boolean {
    return !this.REDIS_URL;
  }
}

const CONFIG_KEYS = [
  'NODE_ENV', 'PORT', 'HOST', 'DATABASE_URL', 'PGLITE_DIR', 'REDIS_URL', 'LOG_LEVEL',
  'CORS_ORIGINS', 'H5_DIST_DIR', 'MIGRATE_ON_START', 'SEED_DEMO_DATA', 'SHUTDOWN_GRACE_MS',
] as const satisfies readonly (keyof AppConfig)[];

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
  }
}

/** Builds and validates the configuration from an environment; throws ConfigError naming each bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const picked = Object.fromEntries(CONFIG_KEYS.filter((k) => env[k] !== undefined).map((k) => [k, env[k]]));
  const config = plainToInstance(AppConfig, picked, { exposeDefaultValues: true });
  const problems = validateSync(config, { skipMissingProperties: false }).flatMap((e) =>
    Object.values(e.constraints ?? {}).map((m) => `${e.property}=${JSON.stringify(env[e.property] ?? null)}: ${m.replace(`${e.property} `, '')}`),
  );
  if (config.NODE_ENV === 'production') {
    if (config.embeddedDatabase) problems.push('DATABASE_URL: required in production (the embedded database is for development)');
    if (config.embeddedRedis) problems.push('REDIS_URL: required in production (the in-process stand-in serves one process only)');
  }
  if (problems.length) throw new ConfigError(problems);
  return config;
}
