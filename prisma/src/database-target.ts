import fs from 'node:fs';
import path from 'node:path';

/** Where the data lives: a real PostgreSQL server, or embedded PGlite files on disk. */
export type DatabaseTarget = { kind: 'postgres'; url: string } | { kind: 'pglite'; dataDir: string };

/** The workspace root (the folder holding pnpm-workspace.yaml), found by walking up from `from`. */
export function workspaceRoot(from: string = __dirname): string {
  let dir = path.resolve(from);
  for (;;) {
    if (fs.existsSync(path.join(dir, 'pnpm-workspace.yaml'))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`no pnpm-workspace.yaml above ${from}`);
    dir = parent;
  }
}

/**
 * Real PostgreSQL when DATABASE_URL is set; otherwise embedded PGlite under `.data/pglite`
 * (or PGLITE_DIR), so `pnpm dev` runs on a machine with no database installed.
 */
export function databaseTargetFromEnv(env: NodeJS.ProcessEnv = process.env): DatabaseTarget {
  const url = env.DATABASE_URL?.trim();
  if (url && url !== EMBEDDED_PLACEHOLDER_URL) return { kind: 'postgres', url };
  const dataDir = env.PGLITE_DIR?.trim() || path.join(workspaceRoot(), '.data', 'pglite');
  return { kind: 'pglite', dataDir };
}

/**
 * The Prisma CLI insists on a DATABASE_URL even when a driver adapter makes the connection.
 * For the embedded database we hand it this placeholder; it is never dialled.
 */
export const EMBEDDED_PLACEHOLDER_URL = 'postgresql://embedded@pglite.invalid/qingting';
