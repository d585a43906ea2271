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

  /** Prepended to every Redis key, so several deployments (or test apps) can share one Redis. */
  @IsString()
  REDIS_KEY_PREFIX = '';

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

  // --- WeChat (see README "WeChat configuration"). Unset outside production: the simulator. ---

  /** Mini-program AppID; setting it switches every WeChat call to the real platform. */
  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^wx[0-9a-f]{16}$/, { message: 'must be a mini-program AppID (wx + 16 hex digits)' })
  WECHAT_APPID?: string;

  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  WECHAT_SECRET?: string;

  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^\d{8,12}$/, { message: 'must be a WeChat Pay merchant id (digits)' })
  WECHAT_PAY_MCHID?: string;

  /** Path of the merchant API private key (apiclient_key.pem). */
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  WECHAT_PAY_PRIVATE_KEY_FILE?: string;

  /** Serial number of the merchant API certificate. */
  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^[0-9A-Fa-f]{8,40}$/, { message: 'must be the merchant certificate serial (hex)' })
  WECHAT_PAY_CERT_SERIAL?: string;

  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^[\x21-\x7e]{32}$/, { message: 'must be the 32-character APIv3 key' })
  WECHAT_PAY_API_V3_KEY?: string;

  /** WeChat Pay public key (pub_key.pem) and its id, for merchants in public-key mode. */
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  WECHAT_PAY_PUBLIC_KEY_FILE?: string;

  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^PUB_KEY_ID_\d+$/, { message: 'must look like PUB_KEY_ID_0123456789' })
  WECHAT_PAY_PUBLIC_KEY_ID?: string;

  /** Comma-separated platform certificate files (wechatpay_*.pem), for merchants in certificate mode. */
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  WECHAT_PAY_PLATFORM_CERT_FILES?: string;

  /** Public https base URL WeChat Pay posts notifications to, e.g. https://api.qingting.example */
  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^https?:\/\/[^\s?#]+$/, { message: 'must be an http(s) base URL without query' })
  WECHAT_NOTIFY_BASE_URL?: string;

  /** Base URLs of the two WeChat API hosts; default to the real ones, or to WECHAT_SIM_URL when simulated. */
  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^https?:\/\/\S+$/, { message: 'must be an http(s) URL' })
  WECHAT_API_BASE?: string;

  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^https?:\/\/\S+$/, { message: 'must be an http(s) URL' })
  WECHAT_PAY_API_BASE?: string;

  /** Development and tests: where the simulator listens, and the key set it shares with the API. */
  @Matches(/^https?:\/\/\S+$/, { message: 'must be an http(s) URL' })
  WECHAT_SIM_URL = 'http://127.0.0.1:3100';

  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  WECHAT_KEYS_FILE?: string;

  /** Start the simulator inside this process (`pnpm dev` does). */
  @Transform(toBool)
  @IsBoolean()
  WECHAT_START_SIMULATOR = false;

  // --- Identity ---

  /** Keys for encrypting sensitive fields: `id:base64(32 bytes)[,id:base64…]`; unset outside production: a dev key in .data/. */
  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^[\w-]+:[A-Za-z0-9+/]{43}=(,[\w-]+:[A-Za-z0-9+/]{43}=)*$/, { message: 'must be id:base64key pairs of 32-byte keys, comma-separated' })
  FIELD_ENCRYPTION_KEYS?: string;

  /** Which of FIELD_ENCRYPTION_KEYS encrypts new values (the others still decrypt: rotation). */
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  FIELD_ENCRYPTION_KEY_ID?: string;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  SESSION_TTL_HOURS = 168;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  LOGIN_RATE_LIMIT_PER_MINUTE = 20;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  PROFILE_RATE_LIMIT_PER_HOUR = 10;

  // --- Storage and vetting ---

  /** Where uploaded files are kept by the disk storage (development; object storage later). Default `<workspace>/.data/uploads`. */
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  UPLOAD_DIR?: string;

  /** Identity check (real name + ID number): `simulator` (checksum and age only; development/tests) or `http` (the provider gateway below). */
  @IsIn(['simulator', 'http'])
  IDENTITY_VERIFIER: 'simulator' | 'http' = 'simulator';

  /** `http` verifier: POST {realName, idNumber} → {verified, ref}, with `authorization: Bearer IDENTITY_VERIFIER_SECRET`. */
  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^https?:\/\/\S+$/, { message: 'must be an http(s) URL' })
  IDENTITY_VERIFIER_URL?: string;

  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  IDENTITY_VERIFIER_SECRET?: string;

  /** Subscribe-message template of the vetting decision (applied / changes requested / rejected). */
  @IsString()
  WECHAT_TEMPLATE_VETTING_RESULT = 'vetting-result';

  // --- Scheduler (timers as rows) ---

  /** Longest sleep between looks for due jobs; a job fires within about this much of its due time. */
  @Transform(toInt)
  @IsInt()
  @Min(50)
  SCHEDULER_POLL_MS = 500;

  /** Off for processes that must not run timers (a CLI, a read-only replica). */
  @Transform(toBool)
  @IsBoolean()
  SCHEDULER_ENABLED = true;

  /** Due jobs one instance runs at once (each in its own transaction and connection; the pool has 10). */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(8)
  SCHEDULER_CONCURRENCY = 4;

  // --- Orders, refunds, commission (PRODUCT.md §3) ---

  /** How long a new order may stay unpaid before it is closed (locally and at WeChat Pay). */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  ORDER_PAY_MINUTES = 15;

  /** How long a paid order waits for the listener to accept before it is refunded in full. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  ORDER_ACCEPT_MINUTES = 10;

  /** Most 15-minute units one session order may buy. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  ORDER_MAX_UNITS = 8;

  /** How long a topic package's minutes stay usable after payment. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  PACKAGE_VALID_DAYS = 30;

  /** Platform commission on session revenue and on gifts, in percent (rounded in the platform's favour). */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(100)
  COMMISSION_SESSION_PERCENT = 30;

  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(100)
  COMMISSION_GIFT_PERCENT = 50;

  /** Subscribe-message template telling a listener a paid order waits for them. */
  @IsString()
  WECHAT_TEMPLATE_ORDER_PAID = 'order-paid';

  // --- Sessions, chat and safety (PRODUCT.md §4, §1) ---

  /** After acceptance, how long both parties have to be present before the order is refunded. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  SESSION_START_WINDOW_MINUTES = 30;

  /** Listener no-show: not present this long after the talker entered → full refund. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  SESSION_LISTENER_NO_SHOW_MINUTES = 10;

  /** The reminder (and the offer to extend) this long before the paid end. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  SESSION_REMINDER_MINUTES = 5;

  /** An extension being paid holds the session's end this long. */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  SESSION_EXTENSION_GRACE_SECONDS = 120;

  /** Charged when the talker never starts (fen; refunded minus this). */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  SESSION_NO_SHOW_FEE_FEN = 0;

  /** Chat content is destroyed (its key shredded) this long after the session ends, unless frozen. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  CHAT_RETENTION_HOURS = 72;

  /** How long after a session the talker may open a dispute. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  DISPUTE_WINDOW_HOURS = 72;

  /** Longest chat message, in characters. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(10_000)
  CHAT_MESSAGE_MAX_CHARS = 1000;

  /** Messages one person may send per minute in one conversation. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  CHAT_RATE_LIMIT_PER_MINUTE = 60;

  /** At most one crisis alert per conversation in this window (further hits are counted on it). */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  CRISIS_ALERT_COOLDOWN_MINUTES = 30;

  /** Voice calls: `simulated` (development and tests) or a provider documented in the README. */
  @IsIn(['simulated'])
  VOICE_PROVIDER = 'simulated';

  /** Subscribe-message template reminding a party that a session is about to start or end. */
  @IsString()
  WECHAT_TEMPLATE_SESSION = 'session-reminder';

  // --- Settlement, payouts, reconciliation (PRODUCT.md §11) ---

  /** Smallest withdrawal (fen). */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  PAYOUT_MIN_FEN = 1000;

  /** Most a listener may withdraw per day (China time), in fen. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  PAYOUT_DAILY_LIMIT_FEN = 500_000;

  /** WeChat Pay merchant-transfer scene (1005 = 佣金报酬) and what the listener sees. */
  @IsString()
  WECHAT_TRANSFER_SCENE_ID = '1005';

  @IsString()
  WECHAT_TRANSFER_REMARK = '倾听收益提现';

  /** The daily reconciliation runs after this hour (China time) for the previous day; bills exist from 10:00. */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(23)
  RECONCILE_AFTER_HOUR = 10;

  /** Where reconciliation CSV reports and downloaded bills are written. */
  @IsString()
  RECONCILE_DIR = '.data/reconciliation';

  // --- Paid groups (PRODUCT.md §7) ---

  /** A member may leave with a full refund within this window after joining; the owner's share is held as long. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  GROUP_REFUND_WINDOW_HOURS = 72;

  /** Platform commission on group memberships, in percent. */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(100)
  COMMISSION_GROUP_PERCENT = 30;

  /** Largest capacity a group may have. */
  @Transform(toInt)
  @IsInt()
  @Min(2)
  GROUP_MAX_CAPACITY = 2000;

  get wechatSimulated(): boolean {
    return !this.WECHAT_APPID;
  }

  get embeddedDatabase(): boolean {
    return !this.DATABASE_URL;
  }

  get embeddedRedis(): boolean {
    return !this.REDIS_URL;
  }
}

const CONFIG_KEYS = [
  'NODE_ENV', 'PORT', 'HOST', 'DATABASE_URL', 'PGLITE_DIR', 'REDIS_URL', 'REDIS_KEY_PREFIX', 'LOG_LEVEL',
  'CORS_ORIGINS', 'H5_DIST_DIR', 'MIGRATE_ON_START', 'SEED_DEMO_DATA', 'SHUTDOWN_GRACE_MS',
  'WECHAT_APPID', 'WECHAT_SECRET', 'WECHAT_PAY_MCHID', 'WECHAT_PAY_PRIVATE_KEY_FILE', 'WECHAT_PAY_CERT_SERIAL',
  'WECHAT_PAY_API_V3_KEY', 'WECHAT_PAY_PUBLIC_KEY_FILE', 'WECHAT_PAY_PUBLIC_KEY_ID', 'WECHAT_PAY_PLATFORM_CERT_FILES',
  'WECHAT_NOTIFY_BASE_URL', 'WECHAT_API_BASE', 'WECHAT_PAY_API_BASE', 'WECHAT_SIM_URL', 'WECHAT_KEYS_FILE',
  'WECHAT_START_SIMULATOR', 'FIELD_ENCRYPTION_KEYS', 'FIELD_ENCRYPTION_KEY_ID', 'SESSION_TTL_HOURS',
  'LOGIN_RATE_LIMIT_PER_MINUTE', 'PROFILE_RATE_LIMIT_PER_HOUR',
  'UPLOAD_DIR', 'IDENTITY_VERIFIER', 'IDENTITY_VERIFIER_URL', 'IDENTITY_VERIFIER_SECRET',
  'WECHAT_TEMPLATE_VETTING_RESULT', 'SCHEDULER_POLL_MS', 'SCHEDULER_ENABLED', 'SCHEDULER_CONCURRENCY',
  'ORDER_PAY_MINUTES', 'ORDER_ACCEPT_MINUTES', 'ORDER_MAX_UNITS', 'PACKAGE_VALID_DAYS',
  'COMMISSION_SESSION_PERCENT', 'COMMISSION_GIFT_PERCENT', 'WECHAT_TEMPLATE_ORDER_PAID',
  'SESSION_START_WINDOW_MINUTES', 'SESSION_LISTENER_NO_SHOW_MINUTES', 'SESSION_REMINDER_MINUTES',
  'SESSION_EXTENSION_GRACE_SECONDS', 'SESSION_NO_SHOW_FEE_FEN', 'CHAT_RETENTION_HOURS', 'DISPUTE_WINDOW_HOURS',
  'CHAT_MESSAGE_MAX_CHARS', 'CHAT_RATE_LIMIT_PER_MINUTE', 'CRISIS_ALERT_COOLDOWN_MINUTES', 'VOICE_PROVIDER',
  'WECHAT_TEMPLATE_SESSION', 'PAYOUT_MIN_FEN', 'PAYOUT_DAILY_LIMIT_FEN', 'WECHAT_TRANSFER_SCENE_ID', 'WECHAT_TRANSFER_REMARK',
  'RECONCILE_AFTER_HOUR', 'RECONCILE_DIR', 'GROUP_REFUND_WINDOW_HOURS', 'COMMISSION_GROUP_PERCENT', 'GROUP_MAX_CAPACITY',
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
  problems.push(...wechatProblems(config));
  if (config.NODE_ENV === 'production' && !config.FIELD_ENCRYPTION_KEYS) problems.push('FIELD_ENCRYPTION_KEYS: required in production');
  if (config.FIELD_ENCRYPTION_KEYS) {
    const ids = config.FIELD_ENCRYPTION_KEYS.split(',').map((pair) => pair.split(':')[0]);
    if (!config.FIELD_ENCRYPTION_KEY_ID || !ids.includes(config.FIELD_ENCRYPTION_KEY_ID)) {
      problems.push(`FIELD_ENCRYPTION_KEY_ID: must name one of the keys in FIELD_ENCRYPTION_KEYS (${ids.join(', ')})`);
    }
  }
  if (config.NODE_ENV === 'production' && config.IDENTITY_VERIFIER === 'simulator') problems.push('IDENTITY_VERIFIER: must be `http` (a real provider) in production');
  if (config.IDENTITY_VERIFIER === 'http' && !config.IDENTITY_VERIFIER_URL) problems.push('IDENTITY_VERIFIER_URL: required when IDENTITY_VERIFIER=http');
  if (problems.length) throw new ConfigError(problems);
  return config;
}

/** The real platform needs the whole set; production may not run on the simulator. */
function wechatProblems(config: AppConfig): string[] {
  if (config.wechatSimulated) {
    return config.NODE_ENV === 'production' ? ['WECHAT_APPID: required in production (unset means the WeChat simulator)'] : [];
  }
  const required = ['WECHAT_SECRET', 'WECHAT_PAY_MCHID', 'WECHAT_PAY_PRIVATE_KEY_FILE', 'WECHAT_PAY_CERT_SERIAL', 'WECHAT_PAY_API_V3_KEY', 'WECHAT_NOTIFY_BASE_URL'] as const;
  const problems = required.filter((k) => !config[k]).map((k) => `${k}: required when WECHAT_APPID is set`);
  const publicKeyMode = config.WECHAT_PAY_PUBLIC_KEY_FILE && config.WECHAT_PAY_PUBLIC_KEY_ID;
  if (!publicKeyMode && !config.WECHAT_PAY_PLATFORM_CERT_FILES) {
    problems.push('WECHAT_PAY_PUBLIC_KEY_FILE and WECHAT_PAY_PUBLIC_KEY_ID (or WECHAT_PAY_PLATFORM_CERT_FILES): required to verify WeChat Pay');
  }
  return problems;
}
