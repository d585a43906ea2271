import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { PrismaPg } from '@prisma/adapter-pg';

/** System catalog string types the adapter cannot map: `"char"` (18) and `name` (19). */
const CATALOG_STRING_TYPES = new Set([18, 19]);
const PG_TYPE_TEXT = 25;

type QueryResultLike = { fields?: { dataTypeID: number }[] } | { fields?: { dataTypeID: number }[] }[];

function nameColumnsAsText(result: QueryResultLike): QueryResultLike {
  for (const r of Array.isArray(result) ? result : [result]) {
    for (const field of r?.fields ?? []) if (CATALOG_STRING_TYPES.has(field.dataTypeID)) field.dataTypeID = PG_TYPE_TEXT;
  }
  return result;
}

/**
 * Works around prisma/orm#27403: @prisma/adapter-pg 6.19 cannot deserialize columns of type
 * `name` (OID 19) or `"char"` (OID 18), which the schema engine's catalog queries return
 * during migrate. Reporting them as `text` is exact: both are string types. Both call forms of `query` are
 * covered because pg.Pool calls clients with a callback while the adapter awaits promises.
 */
export class NameAsTextClient extends pg.Client {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  query(...args: any[]): any {
    const last = args[args.length - 1];
    if (typeof last === 'function') {
      args[args.length - 1] = (err: Error | null, res: QueryResultLike) => last(err, res && nameColumnsAsText(res));
      return (super.query as (...a: unknown[]) => unknown)(...args);
    }
    const out = (super.query as (...a: unknown[]) => unknown)(...args);
    if (out && typeof (out as Promise<QueryResultLike>).then === 'function') {
      return (out as Promise<QueryResultLike>).then(nameColumnsAsText);
    }
    return out;
  }
}

/**
 * Discrete connection fields rather than a connection string: the adapter builds the shadow
 * database pool from this config plus `database`, and a `connectionString` would win over it
 * and replay migrations into the main database.
 */
export function pgPoolConfig(url: string, max = 10): pg.PoolConfig {
  const u = new URL(url);
  if (u.protocol !== 'postgresql:' && u.protocol !== 'postgres:') {
    throw new Error(`DATABASE_URL must start with postgresql://, got ${u.protocol}`);
  }
  const database = decodeURIComponent(u.pathname.replace(/^\//, '')) || 'postgres';
  const max_ = Number(u.searchParams.get('connection_limit') ?? max);
  return {
    host: u.hostname || '127.0.0.1',
    port: u.port ? Number(u.port) : 5432,
    user: decodeURIComponent(u.username) || 'postgres',
    password: u.password ? decodeURIComponent(u.password) : undefined,
    database,
    max: Number.isFinite(max_) && max_ > 0 ? max_ : max,
    ssl: u.searchParams.get('sslmode') === 'require' ? { rejectUnauthorized: false } : undefined,
    Client: NameAsTextClient,
    // Lets a CLI process exit once its queries are done instead of waiting out the idle timeout.
    allowExitOnIdle: true,
  } as pg.PoolConfig;
}

/**
 * The adapter's own shadow database (used by `migrate dev`) drops the database while its pool
 * still holds a connection, which PostgreSQL refuses. This one closes the pool first.
 */
class PrismaPgWithShadowCleanup extends PrismaPg {
  constructor(
    private readonly poolConfig: pg.PoolConfig,
    pool?: pg.Pool,
  ) {
    super(pool ?? poolConfig);
  }

  override async connectToShadowDb() {
    const shadowName = `prisma_migrate_shadow_db_${randomUUID().replace(/-/g, '')}`;
    const admin = await this.connect();
    await admin.executeScript(`CREATE DATABASE "${shadowName}"`);
    const shadow = await new PrismaPg({ ...this.poolConfig, database: shadowName }).connect();
    const disposeShadow = shadow.dispose.bind(shadow);
    shadow.dispose = async () => {
      await disposeShadow();
      await admin.executeScript(`DROP DATABASE IF EXISTS "${shadowName}"`);
      await admin.dispose();
    };
    return shadow;
  }
}

/** The adapter for `url`; given `pool`, Prisma shares it (the caller ends it). */
export function createPgAdapter(url: string, pool?: pg.Pool): PrismaPg {
  return new PrismaPgWithShadowCleanup(pgPoolConfig(url), pool);
}
