import { randomUUID } from 'node:crypto';
import { Database, openDatabase } from '@qingting/prisma';
import { EventTx, eventTransaction, prismaOf } from './wechat-events';

/** `eventTransaction` against real PostgreSQL: plain SQL first, and a clean second run in Prisma when asked for. */
describe('eventTransaction (e2e: PostgreSQL)', () => {
  let db: Database;
  const database = () => ({ sql: db.sql, client: db.prisma });

  beforeAll(async () => {
    db = await openDatabase({ kind: 'postgres', url: process.env.DATABASE_URL! });
  });
  afterAll(() => db.close());

  const record = (tx: EventTx, id: string) =>
    tx.sql.query(`INSERT INTO wechat_notifications (id, event_type, business_key, resource) VALUES ($1, 'TEST', $1, '{}'::jsonb)`, [id]);
  const recorded = (id: string) => db.prisma.wechatNotification.count({ where: { id } });

  it('runs work that needs no Prisma once, in a plain-SQL transaction, and commits it', async () => {
    const id = randomUUID();
    const runs: boolean[] = [];
    await eventTransaction(database(), async (tx) => {
      runs.push(tx.prisma !== undefined);
      await record(tx, id);
    });
    expect(runs).toEqual([false]);
    expect(await recorded(id)).toBe(1);
  });

  it('rolls the plain-SQL run back when it asks for Prisma, and runs it again in a Prisma transaction', async () => {
    const id = randomUUID();
    const runs: boolean[] = [];
    const outcome = await eventTransaction(database(), async (tx) => {
      runs.push(tx.prisma !== undefined);
      await record(tx, id);
      // What the second run writes through Prisma lands in the same transaction as its plain SQL.
      await prismaOf(tx).wechatNotification.update({ where: { id }, data: { eventType: 'TEST.PRISMA' } });
      return 'done';
    });
    expect(outcome).toBe('done');
    expect(runs).toEqual([false, true]);
    // Written once: the first run's insert was rolled back (a second insert of the id would have failed).
    expect(await db.prisma.wechatNotification.findUnique({ where: { id } })).toMatchObject({ eventType: 'TEST.PRISMA' });
  });

  it('rolls back and rethrows any other failure without a second run', async () => {
    const id = randomUUID();
    let runs = 0;
    const failing = eventTransaction(database(), async (tx) => {
      runs += 1;
      await record(tx, id);
      throw new Error('domain not ready');
    });
    await expect(failing).rejects.toThrow('domain not ready');
    expect(runs).toBe(1);
    expect(await recorded(id)).toBe(0);
  });

  it('goes to Prisma at once when told to', async () => {
    const runs: boolean[] = [];
    await eventTransaction(database(), async (tx) => void runs.push(tx.prisma !== undefined), false);
    expect(runs).toEqual([true]);
  });
});
