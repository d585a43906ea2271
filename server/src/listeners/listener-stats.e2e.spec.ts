import { Prisma } from '@qingting/prisma';
import { randomUUID } from 'node:crypto';
import { ratingAvgCenti, recommendScore } from '@qingting/shared';
import { createListener, createUser } from '../../test/factories';
import { startTestApp, TestApp } from '../../test/test-app';
import { ListenerStatsService } from './listener-stats.service';
import { recommendScoreSql } from './recommend-score';

describe('ListenerStatsService (against PostgreSQL)', () => {
  let t: TestApp;
  let stats: ListenerStatsService;
  beforeAll(async () => {
    t = await startTestApp();
    stats = t.app.get(ListenerStatsService);
  });
  afterAll(() => t.close());

  const row = (id: string) => t.prisma.listenerProfile.findUniqueOrThrow({ where: { userId: id } });
  const inTx = <T>(fn: (tx: Prisma.TransactionClient) => Promise<T>) => t.prisma.$transaction(fn);

  it('records orders, acceptance, sessions and reviews incrementally; the profile derives the stats', async () => {
    const { user } = await createListener(t.prisma);
    const talkerA = (await createUser(t.prisma)).id;
    const talkerB = (await createUser(t.prisma)).id;
    // Received = decided: three accepted, one declined or timed out.
    await inTx((tx) => stats.recordAccepted(user.id, 30, tx));
    await inTx((tx) => stats.recordMissed(user.id, tx));
    await inTx((tx) => stats.recordAccepted(user.id, 91, tx));
    await inTx((tx) => stats.recordAccepted(user.id, 60, tx));
    await stats.recordServed(user.id, talkerA, 15);
    await stats.recordServed(user.id, talkerA, 30); // A's second session: a repeat talker
    await stats.recordServed(user.id, talkerA, 15); // third: still one repeat talker
    await stats.recordServed(user.id, talkerB, 45);
    await stats.recordReview(user.id, 5);
    await stats.recordReview(user.id, 4);
    await stats.recordReview(user.id, 4);

    const r = await row(user.id);
    expect(r).toMatchObject({
      ordersReceived: 4,
      ordersAccepted: 3,
      acceptSecondsSum: 181,
      ordersServed: 4,
      minutesServed: 105,
      distinctTalkers: 2,
      repeatTalkers: 1,
      ratingSum: 13,
      ratingCount: 3,
      ratingAvgCenti: ratingAvgCenti(13, 3),
    });
    expect(r.ratingAvgCenti).toBe(433);
    expect(r.recommendScore).toBe(recommendScore(r));

    const profile = (await t.request(`/api/listeners/${user.id}`)).body;
    expect(profile.stats).toEqual({ ordersServed: 4, minutesServed: 105, rating: 4.3, reviewCount: 3, repurchaseRate: 0.5, responseRate: 0.75, avgAcceptSeconds: 60 });
  });

  it('takes the previous session count from the caller when it has one', async () => {
    const { user } = await createListener(t.prisma);
    const talker = randomUUID();
    await stats.recordServed(user.id, talker, 20, 0);
    await stats.recordServed(user.id, talker, 20, 1);
    await stats.recordServed(user.id, randomUUID(), 20, 5);
    expect(await row(user.id)).toMatchObject({ ordersServed: 3, minutesServed: 60, distinctTalkers: 1, repeatTalkers: 1 });
  });

  it('loses no update under concurrency (one atomic UPDATE each)', async () => {
    const { user } = await createListener(t.prisma);
    await Promise.all(Array.from({ length: 40 }, (_, i) => stats.recordReview(user.id, 1 + (i % 5))));
    const r = await row(user.id);
    expect(r).toMatchObject({ ratingCount: 40, ratingSum: 120, ratingAvgCenti: 300 });
    expect(r.recommendScore).toBe(recommendScore(r));
  });

  it('refuses bad inputs and unknown listeners, changing nothing', async () => {
    const { user } = await createListener(t.prisma);
    await expect(stats.recordReview(user.id, 6)).rejects.toThrow(RangeError);
    await expect(stats.recordReview(user.id, 0)).rejects.toThrow(RangeError);
    await expect(inTx((tx) => stats.recordAccepted(user.id, -1, tx))).rejects.toThrow(RangeError);
    await expect(stats.recordServed(user.id, randomUUID(), 1.5)).rejects.toThrow(RangeError);
    await expect(inTx((tx) => stats.recordMissed(randomUUID(), tx))).rejects.toMatchObject({ code: 'listener/not_found' });
    expect(await row(user.id)).toMatchObject({ ratingCount: 0, ordersAccepted: 0, ordersServed: 0 });
  });

  it('the SQL score equals the shared TS score', async () => {
    const cases = [
      { ratingSum: 0, ratingCount: 0, ordersReceived: 0, ordersAccepted: 0, distinctTalkers: 0, repeatTalkers: 0, ordersServed: 0, online: false },
      { ratingSum: 47, ratingCount: 10, ordersReceived: 16, ordersAccepted: 12, distinctTalkers: 9, repeatTalkers: 3, ordersServed: 12, online: true },
      { ratingSum: 4_000_000, ratingCount: 900_000, ordersReceived: 7, ordersAccepted: 7, distinctTalkers: 3, repeatTalkers: 3, ordersServed: 9, online: true },
    ];
    for (const c of cases) {
      const v = (n: number | boolean) => Prisma.sql`${n}`;
      const [{ s }] = await t.prisma.$queryRaw<{ s: number }[]>`SELECT ${recommendScoreSql({
        ratingSum: Prisma.sql`${c.ratingSum}::int`,
        ratingCount: Prisma.sql`${c.ratingCount}::int`,
        ordersReceived: Prisma.sql`${c.ordersReceived}::int`,
        ordersAccepted: Prisma.sql`${c.ordersAccepted}::int`,
        distinctTalkers: Prisma.sql`${c.distinctTalkers}::int`,
        repeatTalkers: Prisma.sql`${c.repeatTalkers}::int`,
        ordersServed: Prisma.sql`${c.ordersServed}::int`,
        online: v(c.online),
      })} AS s`;
      expect(s).toBe(recommendScore(c));
    }
  });
});
