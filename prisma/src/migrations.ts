import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { workspaceRoot } from './database-target';

/** The two operations the migration runner needs; both PGlite and a pg client provide them. */
export interface SqlRunner {
  /** Runs a script of one or more statements. */
  exec(sql: string): Promise<void>;
  query<T>(sql: string, params?: unknown[]): Promise<T[]>;
}

export const MIGRATIONS_DIR = path.join(workspaceRoot(), 'prisma', 'migrations');

/** Prisma's own advisory lock id, so this runner and `prisma migrate` never run at once. */
const MIGRATE_LOCK_ID = 72707369;

/**
 * Applies `prisma/migrations/<name>/migration.sql` in name order, recording each in Prisma's
 * `_prisma_migrations` table with Prisma's checksum, so `prisma migrate status/dev/deploy`
 * agree with it. Written for the running app because the Prisma CLI, with the JS engine,
 * does not exit after migrating an embedded PGlite database and idles 10 s on PostgreSQL.
 * Several instances starting at once serialise on the advisory lock; each migration runs in
 * its own transaction, so a failed one leaves nothing half-applied.
 */
export async function applyMigrations(db: SqlRunner, dir: string = MIGRATIONS_DIR): Promise<string[]> {
  const names = fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && fs.existsSync(path.join(dir, d.name, 'migration.sql')))
    .map((d) => d.name)
    .sort();
  await db.query('SELECT pg_advisory_lock($1)', [MIGRATE_LOCK_ID]);
  try {
    await db.exec(`CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
      "id" VARCHAR(36) PRIMARY KEY NOT NULL,
      "checksum" VARCHAR(64) NOT NULL,
      "finished_at" TIMESTAMPTZ,
      "migration_name" VARCHAR(255) NOT NULL,
      "logs" TEXT,
      "rolled_back_at" TIMESTAMPTZ,
      "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(),
      "applied_steps_count" INTEGER NOT NULL DEFAULT 0
    )`);
    const rows = await db.query<{ migration_name: string; checksum: string }>(
      'SELECT migration_name, checksum FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL',
    );
    const applied = new Map(rows.map((r) => [r.migration_name, r.checksum]));
    const newlyApplied: string[] = [];
    for (const name of names) {
      const sql = fs.readFileSync(path.join(dir, name, 'migration.sql'), 'utf8');
      const checksum = createHash('sha256').update(sql).digest('hex');
      const seen = applied.get(name);
      if (seen !== undefined) {
        if (seen !== checksum) {
          throw new Error(`migration ${name} was edited after it was applied; add a new migration instead`);
        }
        continue;
      }
      await db.exec(`BEGIN;\n${sql}\n;\nINSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, finished_at, applied_steps_count)
        VALUES ('${randomUUID()}', '${checksum}', '${name.replace(/'/g, "''")}', now(), now(), 1);\nCOMMIT;`).catch(
        async (err: Error) => {
          await db.exec('ROLLBACK').catch(() => undefined);
          throw new Error(`migration ${name} failed: ${err.message}`);
        },
      );
      newlyApplied.push(name);
    }
    return newlyApplied;
  } finally {
    await db.query('SELECT pg_advisory_unlock($1)', [MIGRATE_LOCK_ID]);
  }
}
