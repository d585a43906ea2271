import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openDatabase } from './client';
import { pgPoolConfig } from './pg-adapter';

/** The server that holds test databases: TEST_DATABASE_URL, else DATABASE_URL, else the local one. */
export function testServerUrl(env: NodeJS.ProcessEnv = process.env): string {
  return env.TEST_DATABASE_URL || env.DATABASE_URL || 'postgresql://postgres@127.0.0.1:5432/postgres';
}

function adminClient(url: string): pg.Client {
  const { Client: _c, max: _m, allowExitOnIdle: _a, ...config } = pgPoolConfig(url) as pg.PoolConfig & { allowExitOnIdle?: boolean };
  return new pg.Client({ ...config, connectionTimeoutMillis: 5000 });
}

/**
 * Creates a new, migrated database for one test run and returns its URL, so runs can repeat and
 * run side by side. Fails with a message saying what to start when PostgreSQL is unreachable.
 */
export async function createTestDatabase(prefix = 'qingting_test'): Promise<string> {
  const serverUrl = testServerUrl();
  const admin = adminClient(serverUrl);
  try {
    await admin.connect();
  } catch (err) {
    throw new Error(
      `Tests need PostgreSQL at ${serverUrl.replace(/:[^:@/]*@/, ':***@')} (${(err as Error).message}). ` +
        'Start it (see README "Tests") or point TEST_DATABASE_URL at one.',
    );
  }
  const name = `${prefix}_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  try {
    await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const db = await openDatabase({ kind: 'postgres', url: url.toString() });
  try {
    await db.migrate();
  } finally {
    await db.close();
  }
  return url.toString();
}

export async function dropTestDatabase(url: string): Promise<void> {
  const name = decodeURIComponent(new URL(url).pathname.slice(1));
  const serverUrl = new URL(url);
  serverUrl.pathname = '/postgres';
  const admin = adminClient(serverUrl.toString());
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}
