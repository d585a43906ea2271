import pg from 'pg';
import { PrismaClient } from '../generated/client/client';
import { DatabaseTarget, databaseTargetFromEnv } from './database-target';
import { applyMigrations } from './migrations';
import { createPgAdapter, pgPoolConfig } from './pg-adapter';
import { createPGliteAdapter } from './pglite-adapter';

export interface Database {
  prisma: PrismaClient;
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
    const prisma = new PrismaClient({ adapter: createPgAdapter(target.url) });
    return {
      prisma,
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
      close: () => prisma.$disconnect(),
    };
  }
  const { adapter, db } = await createPGliteAdapter(target.dataDir);
  const prisma = new PrismaClient({ adapter });
  return {
    prisma,
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
