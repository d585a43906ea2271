import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { workspaceRoot } from './database-target';
import { testServerUrl } from './testing';

/**
 * `pnpm db:migration <name>`: writes `prisma/migrations/<timestamp>_<name>/migration.sql` with the
 * SQL that takes the existing migrations to schema.prisma. Uses `prisma migrate diff
 * --from-migrations`, which replays the migrations into a temporary database on a PostgreSQL
 * server (DATABASE_URL, else the local test server) and drops it; no data is touched.
 * `prisma migrate dev` is not used: with the JS schema engine and driver adapters it fails here.
 */
/** Indexes created by hand-written migrations (Prisma's schema cannot express them): the diff would drop them. */
const SQL_ONLY_INDEXES = ['scheduled_jobs_open_due_idx'];

/** The diff without its statements dropping SQL_ONLY_INDEXES (and their comment lines). */
export function keepSqlOnlyIndexes(sql: string): string {
  return sql
    .split(/\n(?=-- )/)
    .filter((block) => !SQL_ONLY_INDEXES.some((name) => new RegExp(`DROP INDEX "${name}"`).test(block)))
    .join('\n');
}

function main(): void {
  const name = process.argv[2];
  if (!name || !/^[a-z0-9_]+$/.test(name)) {
    process.stderr.write('usage: pnpm db:migration <snake_case_name>\n');
    process.exit(2);
  }
  const dir = path.join(workspaceRoot(), 'prisma');
  const diff = execFileSync('npx', ['prisma', 'migrate', 'diff', '--from-migrations', 'migrations', '--to-schema-datamodel', 'schema.prisma', '--script'], {
    cwd: dir,
    env: { ...process.env, DATABASE_URL: process.env.DATABASE_URL || testServerUrl() },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const sql = keepSqlOnlyIndexes(diff);
  if (!sql.trim() || /^-- This is an empty migration/.test(sql.trim()) || !/^\s*[A-Z]/m.test(sql)) {
    process.stdout.write('schema.prisma matches the migrations: nothing to write\n');
    return;
  }
  const stamp = new Date().toISOString().replace(/\D/g, '').slice(0, 14);
  const target = path.join(dir, 'migrations', `${stamp}_${name}`);
  fs.mkdirSync(target, { recursive: true });
  fs.writeFileSync(path.join(target, 'migration.sql'), sql);
  process.stdout.write(`wrote ${path.relative(workspaceRoot(), target)}/migration.sql; review it, then start the app to apply it\n`);
}

if (require.main === module) main();
