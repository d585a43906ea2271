import { createHash } from 'node:crypto';
import pg from 'pg';
import { type Prisma, PrismaClient } from '../generated/client/client';
import { DatabaseTarget, databaseTargetFromEnv } from './database-target';
import { applyMigrations } from './migrations';
import { createPgAdapter, pgPoolConfig } from './pg-adapter';
import { createPGliteAdapter } from './pglite-adapter';

/**
 * Plain parameterised SQL (`$1, $2 …`) on the same connections Prisma uses, for the hot paths
 * where Prisma costs too much: here a Prisma query takes ~0.9 ms of CPU against ~0.15 ms for
 * the same query through `pg` (its query compiler runs per query), and discovery went from 0.57
 * to 0.74 of a bare `pg` server's throughput. Everything else stays with Prisma.
 */
export interface SqlReader {
  query<T>(text: string, values?: unknown[]): Promise<T[]>;
}

export interface Sql extends SqlReader {
  /** Runs `fn` in one transaction on one connection: committed when it resolves, rolled back when it throws. */
  transaction<T>(fn: (tx: SqlReader) => Promise<T>): Promise<T>;
}

/** Plain SQL inside a Prisma interactive transaction, so reads see its uncommitted writes (hot statements in code that must share Prisma's transaction). */
export function inTx(tx: Prisma.TransactionClient): SqlReader {
  return { query: <T>(text: string, values: unknown[] = []) => tx.$queryRawUnsafe<T[]>(text, ...values) };
}

export interface Database {
  prisma: PrismaClient;
  sql: Sql;
  target: DatabaseTarget;
  /** Applies pending migrations; returns the names applied now. */
  migrate(): Promise<string[]>;
  close(): Promise<void>;
}

/** Statement texts given a name so far, and the most that will be (texts built per call must not grow this without end). */
const statementNames = new Map<string, string>();
const MAX_NAMED_STATEMENTS = 300;

/**
 * A query as a named prepared statement: each connection parses and plans a text once and then
 * only binds and executes it, which saves PostgreSQL most of its CPU on the short hot statements
 * (checkout, payments, chat) that are this interface's reason to exist. Names come from the
 * text, so every connection agrees; past MAX_NAMED_STATEMENTS distinct texts, queries go unnamed.
 */
function prepared(text: string, values?: unknown[]): pg.QueryConfig {
  let name = statementNames.get(text);
  if (!name && statementNames.size < MAX_NAMED_STATEMENTS) {
    name = `q${createHash('sha1').update(text).digest('hex').slice(0, 20)}`;
    statementNames.set(text, name);
  }
  return name ? { name, text, values } : { text, values };
}

/**
 * The one place that builds a Prisma client: on real PostgreSQL when DATABASE_URL is set,
 * on embedded PGlite files otherwise (see databaseTargetFromEnv).
 */
export async function openDatabase(target: DatabaseTarget = databaseTargetFromEnv()): Promise<Database> {
  if (target.kind === 'postgres') {
    const pool = new pg.Pool(pgPoolConfig(target.url));
    // An idle connection dropped by the server (a restart, a dropped test database) must not crash the process; the pool replaces it.
    pool.on('error', () => undefined);
    const prisma = new PrismaClient({ adapter: createPgAdapter(target.url, pool) });
    return {
      prisma,
      sql: {
        query: async <T>(text: string, values?: unknown[]) => (await pool.query(prepared(text, values))).rows as T[],
        async transaction(fn) {
          const client = await pool.connect();
          let broken: Error | undefined;
          try {
            await client.query('BEGIN');
            const result = await fn({ query: async <T>(text: string, values?: unknown[]) => (await client.query(prepared(text, values))).rows as T[] });
            await client.query('COMMIT');
            return result;
          } catch (err) {
            await client.query('ROLLBACK').catch((rollbackError: Error) => (broken = rollbackError));
            throw err;
          } finally {
            client.release(broken);
          }
        },
      },
      target,
      async migrate() {
        const { Client: _client, max: _max, ...config } = pgPoolConfig(target.url);
        const client = new pg.Client(config);
        await client.connect();
        try {
          return await applyMigrations({
            exec: async (sql) => void (await client.query(sql)),
            query: async (sql, params) => (await client.query(sql, params)).rows,
          });
        } finally {
          await client.end();
        }
      },
      async close() {
        await prisma.$disconnect();
        await pool.end();
      },
    };
  }
  const { adapter, db } = await createPGliteAdapter(target.dataDir);
  const prisma = new PrismaClient({ adapter });
  return {
    prisma,
    // One embedded connection: do not call this inside a Prisma transaction (it would wait for it forever).
    sql: {
      query: async <T>(text: string, values?: unknown[]) => (await db.query<T>(text, values)).rows,
      transaction: (fn) => db.transaction((tx) => fn({ query: async <T>(text: string, values?: unknown[]) => (await tx.query<T>(text, values)).rows })),
    },
    target,
    migrate: () =>
      applyMigrations({
        exec: async (sql) => void (await db.exec(sql)),
        query: async <T>(sql: string, params?: unknown[]) => (await db.query<T>(sql, params)).rows,
      }),
    async close() {
      await prisma.$disconnect();
      if (!db.closed) await db.close();
    },
  };
}
