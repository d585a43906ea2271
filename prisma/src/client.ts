import pg from 'pg';
import { PrismaClient } from '../generated/client/client';
import { DatabaseTarget, databaseTargetFromEnv } from './database-target';
import { applyMigrations } from './migrations';
import { createPgAdapter, pgPoolConfig } from './pg-adapter';
import { createPGliteAdapter } from './pglite-adapter';

/**
 * Plain parameterised SQL (`$1, $2 …`) on the same connections Prisma uses, for hot read paths
 * where Prisma's raw-query layer costs too much (measured on discovery: 0.57 → 0.74 of a bare
 * `pg` server's throughput). Writes and transactions stay with Prisma.
 */
export interface SqlReader {
  query<T>(text: string, values?: unknown[]): Promise<T[]>;
}

export interface Database {
  prisma: PrismaClient;
  sql: SqlReader;
  target: DatabaseTarget;
  /** Applies pending migrations; returns the names applied now. */
  migrate(): Promise<string[]>;
  close(): Promise<void>;
}

/**
 * The one place that builds a Prisma client: on real PostgreSQL when DATABASE_URL is set,
 * on embedded PGlite files otherwise (see databaseTargetFromEnv).
 */
export async function openDatabase(target: DatabaseTarget = databaseTargetFromEnv()): Promise<Database> {
  if (target.kind === 'postgres') {
    const pool = new pg.Pool(pgPoolConfig(target.url));
    const prisma = new PrismaClient({ adapter: createPgAdapter(target.url, pool) });
    return {
      prisma,
      sql: { query: async <T>(text: string, values?: unknown[]) => (await pool.query(text, values)).rows as T[] },
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
    // One embedded connection: do not call this inside a Prisma transaction (it would run in it).
    sql: { query: async <T>(text: string, values?: unknown[]) => (await db.query<T>(text, values)).rows },
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
