import path from 'node:path';
import { defineConfig } from 'prisma/config';
import { EMBEDDED_PLACEHOLDER_URL, databaseTargetFromEnv } from './src/database-target';
import { createPgAdapter } from './src/pg-adapter';
import { createPGliteAdapter } from './src/pglite-adapter';

// The CLI (migrate, studio) uses the same target rules as the app: real PostgreSQL when
// DATABASE_URL is set, embedded PGlite otherwise. Both go through the JavaScript schema engine,
// so nothing native is downloaded.
const target = databaseTargetFromEnv();
if (target.kind === 'pglite') process.env.DATABASE_URL = EMBEDDED_PLACEHOLDER_URL;

export default defineConfig({
  experimental: { adapter: true },
  engine: 'js',
  schema: path.join(__dirname, 'schema.prisma'),
  migrations: { path: path.join(__dirname, 'migrations') },
  async adapter() {
    if (target.kind === 'postgres') return createPgAdapter(target.url);
    return (await createPGliteAdapter(target.dataDir)).adapter;
  },
});
