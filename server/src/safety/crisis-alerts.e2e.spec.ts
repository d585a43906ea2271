import { randomUUID } from 'node:crypto';
import { loginAs } from '../../test/auth';
import { createUser } from '../../test/factories';
import { post } from '../../test/orders';
import { startTestApp, TestApp } from '../../test/test-app';
import { CrisisAlertsService } from './crisis-alerts.service';

describe('crisis alert queue (e2e: app + PostgreSQL)', () => {
  let t: TestApp;
  let alerts: CrisisAlertsService;
  let moderator: Awaited<ReturnType<typeof loginAs>>;

  beforeAll(async () => {
    t = await startTestApp();
    alerts = t.app.get(CrisisAlertsService);
    moderator = await loginAs(t, ['MODERATOR']);
  });
  afterAll(async () => {
    await t?.close();
  });

  /** A session conversation (the chat module's row) with a talker who types the crisis words. */
  async function conversation() {
    const talker = await createUser(t.prisma);
    const sessionId = randomUUID();
    const conv = await t.prisma.conversation.create({ data: { kind: 'SESSION', subjectId: sessionId } });
    return { conversationId: conv.id, sessionId, talker };
  }

  const hit = (conversationId: string, userId: string, term = '不想活了') => ({ conversationId, userId, category: 'suicide', term });
  const list = (query = '', headers = moderator.headers) => t.request(`/api/ops/crisis-alerts${query}`, { headers });

  it('ten simultaneous hits in one conversation make exactly one open alert with ten hits', async () => {
    // Five conversations at once, so the hits of each really overlap (one alone often runs one after another).
    const convs = await Promise.all(Array.from({ length: 5 }, () => conversation()));
    const results = await Promise.all(convs.map(({ conversationId, talker }) => Promise.all(Array.from({ length: 10 }, () => alerts.raise(hit(conversationId, talker.id))))));
    for (const [i, { conversationId, talker }] of convs.entries()) {
      expect(results[i].filter((r) => r.alerted)).toHaveLength(1);
      expect(new Set(results[i].map((r) => r.alertId)).size).toBe(1);
      const rows = await t.prisma.crisisAlert.findMany({ where: { conversationId } });
      expect(rows).toEqual([expect.objectContaining({ status: 'OPEN', hits: 10, userId: talker.id, category: 'suicide', term: '不想活了' })]);
    }
  });

  it('alerts again once the open alert is older than the cooldown, or after it was resolved', async () => {
    const { conversationId, talker } = await conversation();
    const first = await alerts.raise(hit(conversationId, talker.id));
    expect((await alerts.raise(hit(conversationId, talker.id))).alerted).toBe(false);
    // The open alert ages past CRISIS_ALERT_COOLDOWN_MINUTES: the next hit is a fresh alert at the top of the queue.
    const past = new Date(Date.now() - (t.config.CRISIS_ALERT_COOLDOWN_MINUTES + 1) * 60_000);
    await t.prisma.crisisAlert.update({ where: { id: first.alertId }, data: { createdAt: past } });
    const second = await alerts.raise(hit(conversationId, talker.id));
    expect(second).toEqual({ alerted: true, alertId: expect.any(String) });
    expect(second.alertId).not.toBe(first.alertId);
    // Resolved: the next hit is not swallowed by the closed alert.
    expect((await post(t, `/api/ops/crisis-alerts/${second.alertId}/resolve`, moderator.headers, { status: 'HANDLED' })).status).toBe(200);
    const third = await alerts.raise(hit(conversationId, talker.id));
    expect(third.alerted).toBe(true);
    const hits = await t.prisma.crisisAlert.findMany({ where: { conversationId }, orderBy: { createdAt: 'asc' }, select: { id: true, hits: true, status: true } });
    expect(hits).toEqual([
      { id: first.alertId, hits: 2, status: 'OPEN' },
      { id: second.alertId, hits: 1, status: 'HANDLED' },
      { id: third.alertId, hits: 1, status: 'OPEN' },
    ]);
  });

  it('hits in different conversations are separate alerts', async () => {
    const a = await conversation();
    const b = await conversation();
    const [ra, rb] = await Promise.all([alerts.raise(hit(a.conversationId, a.talker.id)), alerts.raise(hit(b.conversationId, b.talker.id))]);
    expect(ra.alerted && rb.alerted).toBe(true);
  });

  it('shows operators minimal facts: alias, term, hits, session — never an openid', async () => {
    const { conversationId, sessionId, talker } = await conversation();
    const { alertId } = await alerts.raise(hit(conversationId, talker.id, '割腕'));
    await alerts.raise(hit(conversationId, talker.id, '割腕'));
    const res = await list('?status=OPEN&limit=50');
    expect(res.status).toBe(200);
    const item = res.body.items.find((i: { id: string }) => i.id === alertId);
    expect(item).toEqual({
      id: alertId,
      status: 'OPEN',
      category: 'suicide',
      term: '割腕',
      hits: 2,
      person: { id: talker.id, alias: talker.alias, avatarUrl: expect.stringMatching(/^\/api\/avatars\//) },
      conversationId,
      sessionId,
      createdAt: expect.any(String),
      handledBy: null,
      handledAt: null,
      note: null,
    });
    expect(JSON.stringify(res.body)).not.toContain(talker.openid);
    expect(res.body.items.every((i: { status: string }) => i.status === 'OPEN')).toBe(true);
  });

  it('pages newest first with a cursor', async () => {
    const made: string[] = [];
    for (let i = 0; i < 3; i++) {
      const { conversationId, talker } = await conversation();
      made.push((await alerts.raise(hit(conversationId, talker.id))).alertId);
    }
    const first = await list('?limit=2');
    expect(first.body.items.map((i: { id: string }) => i.id)).toEqual([made[2], made[1]]);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const second = await list(`?limit=2&cursor=${first.body.nextCursor}`);
    expect(second.body.items[0].id).toBe(made[0]);
  });

  it('is for moderators, agents and admins only', async () => {
    for (const roles of [['AGENT'], ['ADMIN']] as const) {
      expect((await list('', (await loginAs(t, [...roles])).headers)).status).toBe(200);
    }
    for (const roles of [['TALKER'], ['FINANCE'], ['REVIEWER'], ['LISTENER']] as const) {
      const res = await list('', (await loginAs(t, [...roles])).headers);
      expect(res).toMatchObject({ status: 403, body: { code: 'auth/forbidden' } });
    }
    expect((await t.request('/api/ops/crisis-alerts')).status).toBe(401);
    const { conversationId, talker } = await conversation();
    const { alertId } = await alerts.raise(hit(conversationId, talker.id));
    const talkerRes = await post(t, `/api/ops/crisis-alerts/${alertId}/resolve`, (await loginAs(t)).headers, { status: 'HANDLED' });
    expect(talkerRes.status).toBe(403);
    expect((await t.prisma.crisisAlert.findUniqueOrThrow({ where: { id: alertId } })).status).toBe('OPEN');
  });

  it('refuses bad queries and bodies with 400', async () => {
    expect((await list('?status=CLOSED')).body.code).toBe('request/invalid');
    expect((await list('?limit=0')).body.code).toBe('request/invalid');
    const { conversationId, talker } = await conversation();
    const { alertId } = await alerts.raise(hit(conversationId, talker.id));
    for (const body of [{}, { status: 'OPEN' }, { status: 'HANDLED', note: 'x'.repeat(501) }, { status: 'HANDLED', note: 5 }, { status: 'HANDLED', extra: 1 }]) {
      const res = await post(t, `/api/ops/crisis-alerts/${alertId}/resolve`, moderator.headers, body);
      expect(res).toMatchObject({ status: 400, body: { code: 'request/invalid' } });
    }
    expect((await post(t, '/api/ops/crisis-alerts/not-a-uuid/resolve', moderator.headers, { status: 'HANDLED' })).body.code).toBe('request/invalid');
    const unknown = await post(t, `/api/ops/crisis-alerts/${randomUUID()}/resolve`, moderator.headers, { status: 'HANDLED' });
    expect(unknown).toMatchObject({ status: 404, body: { code: 'crisis_alert/not_found' } });
    expect((await t.prisma.crisisAlert.findUniqueOrThrow({ where: { id: alertId } })).status).toBe('OPEN');
  });

  it('resolves once: the decision is audit-logged, a second or concurrent one is 409', async () => {
    const { conversationId, talker } = await conversation();
    const { alertId } = await alerts.raise(hit(conversationId, talker.id));
    const other = await loginAs(t, ['AGENT']);
    const [a, b] = await Promise.all([
      post(t, `/api/ops/crisis-alerts/${alertId}/resolve`, moderator.headers, { status: 'HANDLED', note: '已电话联系，用户情绪平稳' }),
      post(t, `/api/ops/crisis-alerts/${alertId}/resolve`, other.headers, { status: 'FALSE_POSITIVE' }),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    const loser = a.status === 409 ? a : b;
    expect(loser.body.code).toBe('crisis_alert/already_resolved');
    const winner = a.status === 200 ? a : b;
    const row = await t.prisma.crisisAlert.findUniqueOrThrow({ where: { id: alertId } });
    expect(winner.body).toMatchObject({ id: alertId, status: row.status, handledBy: { id: row.handledById }, handledAt: expect.any(String) });
    const audit = await t.prisma.auditLog.findMany({ where: { subjectType: 'crisis_alert', subjectId: alertId } });
    expect(audit).toEqual([expect.objectContaining({ action: 'safety.crisis_alert.resolve', actorId: row.handledById, detail: expect.objectContaining({ status: row.status }) })]);
    const again = await post(t, `/api/ops/crisis-alerts/${alertId}/resolve`, moderator.headers, { status: 'HANDLED' });
    expect(again).toMatchObject({ status: 409, body: { code: 'crisis_alert/already_resolved' } });
  });

  it('summarises false positives per term, worst first, next to every resolved alert of the term', async () => {
    const before = await t.request('/api/ops/crisis-alerts/false-positives/summary', { headers: moderator.headers });
    const base = new Map<string, { falsePositives: number; resolved: number }>(before.body.map((e: { term: string; falsePositives: number; resolved: number }) => [e.term, e]));
    const resolveNew = async (term: string, status: 'HANDLED' | 'FALSE_POSITIVE') => {
      const { conversationId, talker } = await conversation();
      const { alertId } = await alerts.raise(hit(conversationId, talker.id, term));
      expect((await post(t, `/api/ops/crisis-alerts/${alertId}/resolve`, moderator.headers, { status })).status).toBe(200);
    };
    // "死了" misfires (累死了), "跳楼" is real.
    await resolveNew('死了', 'FALSE_POSITIVE');
    await resolveNew('死了', 'FALSE_POSITIVE');
    await resolveNew('死了', 'FALSE_POSITIVE');
    await resolveNew('死了', 'HANDLED');
    await resolveNew('跳楼', 'HANDLED');
    await resolveNew('安眠药', 'FALSE_POSITIVE');
    const res = await t.request('/api/ops/crisis-alerts/false-positives/summary', { headers: moderator.headers });
    expect(res.status).toBe(200);
    const delta = (term: string) => {
      const e = res.body.find((x: { term: string }) => x.term === term);
      return e ? { falsePositives: e.falsePositives - (base.get(term)?.falsePositives ?? 0), resolved: e.resolved - (base.get(term)?.resolved ?? 0) } : null;
    };
    expect(delta('死了')).toEqual({ falsePositives: 3, resolved: 4 });
    expect(delta('安眠药')).toEqual({ falsePositives: 1, resolved: 1 });
    expect(delta('跳楼')).toBeNull();
    const counts = res.body.map((e: { falsePositives: number }) => e.falsePositives);
    expect(counts).toEqual([...counts].sort((x: number, y: number) => y - x));
    expect((await t.request('/api/ops/crisis-alerts/false-positives/summary', { headers: (await loginAs(t, ['FINANCE'])).headers })).status).toBe(403);
  });
});
