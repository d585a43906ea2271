import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { TOPIC_CODES } from '@qingting/shared';
import { createTestDatabase, DEMO_OPERATOR_OPENID, DEMO_TALKER_OPENID, dropTestDatabase, openDatabase, seedDemoData } from '../src';
import { applyMigrations, MIGRATIONS_DIR } from '../src/migrations';

describe('embedded PGlite database', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'qingting-pglite-'));
  afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it('migrates, seeds demo data once, and keeps it across a reopen', async () => {
    const db = await openDatabase({ kind: 'pglite', dataDir });
    try {
      expect(await db.migrate()).toEqual(fs.readdirSync(MIGRATIONS_DIR).filter((n) => !n.endsWith('.toml')).sort());
      const summary = await seedDemoData(db.prisma);
      expect(summary.seeded).toBe(true);
      expect(summary.listeners).toBeGreaterThanOrEqual(40);

      const listeners = await db.prisma.listenerProfile.findMany();
      const topics = new Set(listeners.flatMap((l) => l.topics));
      expect([...topics].sort()).toEqual([...TOPIC_CODES].sort());
      expect(listeners.some((l) => l.online) && listeners.some((l) => !l.online)).toBe(true);
      expect(listeners.every((l) => l.priceTextFen !== null && l.priceTextFen % 100 === 0)).toBe(true);
      expect(await db.prisma.review.count()).toBe(summary.reviews);
      const operator = await db.prisma.user.findUniqueOrThrow({ where: { openid: DEMO_OPERATOR_OPENID } });
      expect(operator.roles).toEqual(expect.arrayContaining(['REVIEWER', 'MODERATOR', 'AGENT', 'FINANCE', 'ADMIN']));
      expect(await db.prisma.user.count({ where: { openid: DEMO_TALKER_OPENID } })).toBe(1);
    } finally {
      await db.close();
    }

    const reopened = await openDatabase({ kind: 'pglite', dataDir });
    try {
      expect(await reopened.migrate()).toEqual([]);
      expect((await seedDemoData(reopened.prisma)).seeded).toBe(false);
      expect(await reopened.prisma.listenerProfile.count()).toBeGreaterThanOrEqual(40);
    } finally {
      await reopened.close();
    }
  });
});

describe('migrations on real PostgreSQL', () => {
  let url: string;
  beforeAll(async () => {
    url = await createTestDatabase('qingting_migrations');
  });
  afterAll(() => dropTestDatabase(url));

  it('records migrations as Prisma does and applies nothing twice', async () => {
    const db = await openDatabase({ kind: 'postgres', url });
    try {
      expect(await db.migrate()).toEqual([]);
      const rows = await db.prisma.$queryRaw<{ migration_name: string; checksum: string }[]>`SELECT migration_name, checksum FROM _prisma_migrations`;
      expect(rows.length).toBeGreaterThan(0);
      expect(rows.every((r) => /^[0-9a-f]{64}$/.test(r.checksum))).toBe(true);
    } finally {
      await db.close();
    }
  });

  it('refuses to run when an applied migration was edited', async () => {
    const edited = fs.mkdtempSync(path.join(os.tmpdir(), 'qingting-migrations-'));
    for (const name of fs.readdirSync(MIGRATIONS_DIR)) {
      fs.cpSync(path.join(MIGRATIONS_DIR, name), path.join(edited, name), { recursive: true });
      const sql = path.join(edited, name, 'migration.sql');
      if (fs.existsSync(sql)) fs.appendFileSync(sql, '\n-- edited\n');
    }
    const pg = await import('pg');
    const client = new pg.default.Client({ connectionString: url });
    await client.connect();
    try {
      await expect(
        applyMigrations(
          { exec: async (sql) => void (await client.query(sql)), query: async (sql, p) => (await client.query(sql, p)).rows },
          edited,
        ),
      ).rejects.toThrow(/was edited after it was applied/);
    } finally {
      await client.end();
      fs.rmSync(edited, { recursive: true, force: true });
    }
  });
});
