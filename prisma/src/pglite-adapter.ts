import fs from 'node:fs';
import { PGlite, type Extension } from '@electric-sql/pglite';

// A subpath export, which this project's `moduleResolution: node` cannot type; the runtime resolves it.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { pg_trgm } = require('@electric-sql/pglite/contrib/pg_trgm') as { pg_trgm: Extension };
import type { SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import { PrismaPGlite } from 'pglite-prisma-adapter';

/**
 * Embedded PostgreSQL (WASM) with its files in `dataDir`; one process may open it at a time.
 * Disposing the last adapter closes the database, so a CLI run (migrate) can exit.
 */
export async function createPGliteAdapter(dataDir: string): Promise<{ adapter: SqlMigrationAwareDriverAdapterFactory; db: PGlite }> {
  fs.mkdirSync(dataDir, { recursive: true });
  // pg_trgm backs the listener search (Chinese substrings), as on a real server.
  const db = await PGlite.create(dataDir, { extensions: { pg_trgm } });
  const adapter = new PrismaPGlite(db);
  const connect = adapter.connect.bind(adapter);
  let open = 0;
  adapter.connect = async () => {
    const conn = await connect();
    open += 1;
    const dispose = conn.dispose.bind(conn);
    conn.dispose = async () => {
      await dispose();
      open -= 1;
      if (open === 0 && !db.closed) await db.close();
    };
    return conn;
  };
  // The adapter is typed against driver-adapter-utils 6.10 and Prisma is 6.19: the shapes differ
  // only in types Prisma added later, which it does not require from adapters at run time.
  return { adapter: adapter as unknown as SqlMigrationAwareDriverAdapterFactory, db };
}
