import { randomUUID } from 'node:crypto';
import { loginAs } from '../../test/auth';
import { ledgerCheck, post, waitFor, waitForStatus } from '../../test/orders';
import { acceptedSession, activeSession, orderHistory, runDue, shiftSession } from '../../test/sessions';
import { TestApp, useAppWithSimulator } from '../../test/test-app';
import { TestSimulator } from '../../test/wechat';

type Headers = Record<string, string>;

/** After the session (PRODUCT.md §4, §10): reviews, reports and disputes, and their ops queues. */
describe('after the session: reviews, reports, disputes (e2e: app + simulator + PostgreSQL)', () => {
  let wx: TestSimulator;
  let t: TestApp;

  useAppWithSimulator((app, sim) => ([t, wx] = [app, sim]));
  afterEach(async () => {
    await wx.control('/__sim/content-rules', {});
  });

  /**
   * A session of `units` × 20 CNY that ran five minutes and was ended by the talker: one unit is
   * charged, so 1 unit ends COMPLETED and 2 units PARTIALLY_REFUNDED (2000 fen back), waited for.
   */
  async function endedSession(units = 1) {
    const s = await activeSession(t, wx, { units });
    await shiftSession(t, s.sessionId, 300);
    const end = await post(t, `/api/sessions/${s.sessionId}/end`, s.talker.headers);
    if (end.status !== 200) throw new Error(`end: ${end.status} ${JSON.stringify(end.body)}`);
    await waitForStatus(t, s.orderId, units === 1 ? 'COMPLETED' : 'PARTIALLY_REFUNDED');
    return s;
  }

  const review = (sessionId: string, headers: Headers, body: unknown) => post(t, `/api/sessions/${sessionId}/review`, headers, body);
  const report = (sessionId: string, headers: Headers, body: unknown) => post(t, `/api/sessions/${sessionId}/report`, headers, body);
  const dispute = (sessionId: string, headers: Headers, body: unknown) => post(t, `/api/sessions/${sessionId}/dispute`, headers, body);
  const get = (path: string, headers: Headers) => t.request(path, { headers });
  const profile = (listenerId: string) => t.prisma.listenerProfile.findUniqueOrThrow({ where: { userId: listenerId } });
  const conversation = (id: string) => t.prisma.conversation.findUniqueOrThrow({ where: { id } });
  const order = (id: string) => t.prisma.order.findUniqueOrThrow({ where: { id } });
  const audits = (subjectType: string, subjectId: string) => t.prisma.auditLog.findMany({ where: { subjectType, subjectId }, orderBy: { createdAt: 'asc' } });

  describe('reviews', () => {
    it('the talker rates an ended session once; the listener’s rating moves and the profile shows it anonymously', async () => {
      const s = await endedSession();
      const res = await review(s.sessionId, s.talker.headers, { stars: 4, tags: ['耐心倾听', '专业'], text: '  谢谢你耐心听我说完  ' });
      expect(res.status).toBe(201);
      expect(res.body).toEqual({ id: expect.any(String), stars: 4, tags: ['耐心倾听', '专业'], text: '谢谢你耐心听我说完', at: expect.any(String) });
      expect(await t.prisma.review.findUniqueOrThrow({ where: { id: res.body.id } })).toMatchObject({ orderId: s.orderId, authorId: s.talker.id, listenerId: s.listener.id });
      expect(await profile(s.listener.id)).toMatchObject({ ratingSum: 4, ratingCount: 1, ratingAvgCenti: 400 });
      const again = await review(s.sessionId, s.talker.headers, { stars: 5, tags: [] });
      expect(again).toMatchObject({ status: 409, body: { code: 'review/already_reviewed' } });
      expect((await profile(s.listener.id)).ratingCount).toBe(1);
      const view = await t.request(`/api/sessions/${s.sessionId}`, { headers: s.talker.headers });
      expect(view.body.reviewed).toBe(true);
      const shown = await t.request(`/api/listeners/${s.listener.id}/reviews`);
      expect(shown.body.items).toEqual([expect.objectContaining({ id: res.body.id, stars: 4, text: '谢谢你耐心听我说完' })]);
      const talker = await t.prisma.user.findUniqueOrThrow({ where: { id: s.talker.id } });
      expect(JSON.stringify(shown.body)).not.toContain(talker.alias);
    });

    it('stars and tags without text are enough; an empty text is no text', async () => {
      const s = await endedSession();
      const res = await review(s.sessionId, s.talker.headers, { stars: 1, tags: ['回复慢'], text: '   ' });
      expect(res.body).toMatchObject({ stars: 1, tags: ['回复慢'], text: null });
      expect(await profile(s.listener.id)).toMatchObject({ ratingSum: 1, ratingCount: 1, ratingAvgCenti: 100 });
    });

    it('two reviews at once: one is saved and counted, the other is 409', async () => {
      const s = await endedSession();
      const results = await Promise.all([review(s.sessionId, s.talker.headers, { stars: 5, tags: [] }), review(s.sessionId, s.talker.headers, { stars: 2, tags: [] })]);
      expect(results.map((r) => r.status).sort()).toEqual([201, 409]);
      expect(results.find((r) => r.status === 409)!.body.code).toBe('review/already_reviewed');
      const saved = results.find((r) => r.status === 201)!.body;
      expect(await t.prisma.review.count({ where: { orderId: s.orderId } })).toBe(1);
      expect(await profile(s.listener.id)).toMatchObject({ ratingSum: saved.stars, ratingCount: 1 });
    });

    it('only the talker, only after a session that ran and ended', async () => {
      const s = await endedSession();
      const stranger = await loginAs(t);
      expect(await review(s.sessionId, stranger.headers, { stars: 5, tags: [] })).toMatchObject({ status: 404, body: { code: 'session/not_found' } });
      expect(await review(s.sessionId, s.listener.headers, { stars: 5, tags: [] })).toMatchObject({ status: 403, body: { code: 'review/forbidden' } });
      const active = await activeSession(t, wx);
      expect(await review(active.sessionId, active.talker.headers, { stars: 5, tags: [] })).toMatchObject({ status: 409, body: { code: 'review/not_ended' } });
      const waiting = await acceptedSession(t, wx);
      expect(await review(waiting.sessionId, waiting.talker.headers, { stars: 5, tags: [] })).toMatchObject({ status: 409, body: { code: 'review/not_ended' } });
      expect(await t.prisma.review.count({ where: { orderId: { in: [s.orderId, active.orderId, waiting.orderId] } } })).toBe(0);
    });

    it('refuses bad input with 400 and saves nothing', async () => {
      const s = await endedSession();
      const bad: unknown[] = [
        {},
        { tags: [] },
        { stars: 0, tags: [] },
        { stars: 6, tags: [] },
        { stars: 4.5, tags: [] },
        { stars: '5', tags: [] },
        { stars: 5 },
        { stars: 5, tags: '专业' },
        { stars: 5, tags: ['很好'] },
        { stars: 5, tags: ['专业', '专业'] },
        { stars: 5, tags: ['耐心倾听', '温暖治愈', '专业', '有帮助', '回复及时', '共情能力强'] },
        { stars: 5, tags: [], text: '好'.repeat(301) },
        { stars: 5, tags: [], text: 42 },
        { stars: 5, tags: [], listenerId: s.listener.id },
      ];
      for (const body of bad) {
        const res = await review(s.sessionId, s.talker.headers, body);
        expect({ body, status: res.status, code: res.body.code }).toEqual({ body, status: 400, code: 'request/invalid' });
      }
      expect((await review('not-a-uuid', s.talker.headers, { stars: 5, tags: [] })).body.code).toBe('request/invalid');
      // 300 characters, emoji counted once each, is the limit.
      expect((await review(s.sessionId, s.talker.headers, { stars: 5, tags: [], text: '🌙'.repeat(300) })).status).toBe(201);
      expect(await t.prisma.review.count({ where: { orderId: s.orderId } })).toBe(1);
    });

    it('risky text is rejected and text WeChat cannot clear is not published; nothing is saved either way', async () => {
      const s = await endedSession();
      await wx.control('/__sim/content-rules', { risky: ['违禁词'], review: ['加我私聊'] });
      const risky = await review(s.sessionId, s.talker.headers, { stars: 5, tags: [], text: '这里有违禁词' });
      expect(risky).toMatchObject({ status: 400, body: { code: 'review/text_rejected' } });
      const doubtful = await review(s.sessionId, s.talker.headers, { stars: 5, tags: [], text: '想加我私聊吗' });
      expect(doubtful).toMatchObject({ status: 422, body: { code: 'review/text_not_accepted' } });
      await wx.control('/__sim/content-rules', { unavailable: true });
      const outage = await review(s.sessionId, s.talker.headers, { stars: 5, tags: [], text: '谢谢' });
      expect(outage).toMatchObject({ status: 422, body: { code: 'review/text_not_accepted' } });
      expect(await t.prisma.review.count({ where: { orderId: s.orderId } })).toBe(0);
      expect((await profile(s.listener.id)).ratingCount).toBe(0);
      // Stars and tags alone need no check, even while WeChat is down.
      expect((await review(s.sessionId, s.talker.headers, { stars: 5, tags: ['温暖治愈'] })).status).toBe(201);
    });
  });

  describe('reports', () => {
    const resolve = (id: string, headers: Headers, body: unknown) => post(t, `/api/ops/reports/${id}/resolve`, headers, body);

    it('either party reports once; the conversation is frozen at once and the report is audit-logged', async () => {
      const s = await endedSession();
      expect((await conversation(s.conversationId)).frozen).toBe(false);
      const res = await report(s.sessionId, s.talker.headers, { reason: '索要联系方式', detail: '  一直让我加微信  ' });
      expect(res).toMatchObject({ status: 201, body: { id: expect.any(String) } });
      expect(await t.prisma.report.findUniqueOrThrow({ where: { id: res.body.id } })).toMatchObject({
        sessionId: s.sessionId, reporterId: s.talker.id, reportedId: s.listener.id, reason: '索要联系方式', detail: '一直让我加微信', status: 'OPEN',
      });
      expect((await conversation(s.conversationId)).frozen).toBe(true);
      // The party's view says the chat is kept: no destruction time while frozen.
      expect((await get(`/api/sessions/${s.sessionId}`, s.talker.headers)).body.retainUntil).toBeNull();
      expect(await audits('report', res.body.id)).toEqual([expect.objectContaining({ action: 'feedback.report.create', actorId: s.talker.id })]);
      const twice = await report(s.sessionId, s.talker.headers, { reason: '其他' });
      expect(twice).toMatchObject({ status: 409, body: { code: 'report/already_reported' } });
      // The listener may report too, during or after the session.
      const back = await report(s.sessionId, s.listener.headers, { reason: '骚扰/辱骂' });
      expect(back.status).toBe(201);
      expect(await t.prisma.report.findUniqueOrThrow({ where: { id: back.body.id } })).toMatchObject({ reporterId: s.listener.id, reportedId: s.talker.id, detail: '' });
    });

    it('a report during a running session freezes it too; two at once from one person make one report', async () => {
      const s = await activeSession(t, wx);
      const results = await Promise.all([report(s.sessionId, s.listener.headers, { reason: '骚扰/辱骂' }), report(s.sessionId, s.listener.headers, { reason: '骚扰/辱骂' })]);
      expect(results.map((r) => r.status).sort()).toEqual([201, 409]);
      expect(await t.prisma.report.count({ where: { sessionId: s.sessionId } })).toBe(1);
      expect((await conversation(s.conversationId)).frozen).toBe(true);
    });

    it('refuses strangers, sessions that never started and bad input; nothing is written or frozen', async () => {
      const s = await endedSession();
      const stranger = await loginAs(t);
      expect(await report(s.sessionId, stranger.headers, { reason: '其他' })).toMatchObject({ status: 404, body: { code: 'session/not_found' } });
      expect(await report(randomUUID(), s.talker.headers, { reason: '其他' })).toMatchObject({ status: 404, body: { code: 'session/not_found' } });
      const waiting = await acceptedSession(t, wx);
      expect(await report(waiting.sessionId, waiting.talker.headers, { reason: '其他' })).toMatchObject({ status: 409, body: { code: 'report/not_started' } });
      for (const body of [{}, { reason: '不喜欢' }, { reason: '其他', detail: '字'.repeat(501) }, { reason: '其他', detail: 1 }, { reason: '其他', status: 'ACTIONED' }]) {
        const res = await report(s.sessionId, s.talker.headers, body);
        expect({ body, status: res.status, code: res.body.code }).toEqual({ body, status: 400, code: 'request/invalid' });
      }
      expect(await t.prisma.report.count({ where: { sessionId: { in: [s.sessionId, waiting.sessionId] } } })).toBe(0);
      expect((await conversation(s.conversationId)).frozen).toBe(false);
      expect((await conversation(waiting.conversationId)).frozen).toBe(false);
    });

    it('a crisis-risk report also puts the reported person in the crisis queue', async () => {
      const s = await activeSession(t, wx);
      await report(s.sessionId, s.listener.headers, { reason: '危机风险', detail: '对方说不想活了' });
      expect(await t.prisma.crisisAlert.findMany({ where: { conversationId: s.conversationId } })).toEqual([
        expect.objectContaining({ userId: s.talker.id, category: 'report', term: '危机风险', status: 'OPEN' }),
      ]);
    });

    it('the ops queue shows moderators and admins aliases and facts, never openids; others get 403', async () => {
      const s = await endedSession();
      const { body } = await report(s.sessionId, s.listener.headers, { reason: '骚扰/辱骂', detail: '辱骂' });
      const moderator = await loginAs(t, ['MODERATOR']);
      const list = await get('/api/ops/reports?status=OPEN&limit=50', moderator.headers);
      expect(list.status).toBe(200);
      const [talker, listener] = await Promise.all([s.talker.id, s.listener.id].map((id) => t.prisma.user.findUniqueOrThrow({ where: { id } })));
      expect(list.body.items.find((i: { id: string }) => i.id === body.id)).toEqual({
        id: body.id,
        sessionId: s.sessionId,
        status: 'OPEN',
        reason: '骚扰/辱骂',
        detail: '辱骂',
        reporter: { id: listener.id, alias: listener.alias, avatarUrl: expect.any(String), role: 'listener' },
        reported: { id: talker.id, alias: talker.alias, avatarUrl: expect.any(String) },
        createdAt: expect.any(String),
        resolution: null,
        resolvedBy: null,
        resolvedAt: null,
      });
      expect(JSON.stringify(list.body)).not.toMatch(new RegExp(`${talker.openid}|${listener.openid}`));
      expect(list.body.items.every((i: { status: string }) => i.status === 'OPEN')).toBe(true);
      expect((await get('/api/ops/reports', (await loginAs(t, ['ADMIN'])).headers)).status).toBe(200);
      for (const role of ['AGENT', 'FINANCE', 'REVIEWER', 'TALKER'] as const) {
        expect((await get('/api/ops/reports', (await loginAs(t, [role])).headers)).status).toBe(403);
        expect((await resolve(body.id, (await loginAs(t, [role])).headers, { status: 'DISMISSED', resolution: '无违规' })).status).toBe(403);
      }
      expect((await get('/api/ops/reports?status=PENDING', moderator.headers)).body.code).toBe('request/invalid');
      const page = await get('/api/ops/reports?limit=1', moderator.headers);
      expect(page.body).toMatchObject({ items: [expect.any(Object)], nextCursor: expect.any(String) });
      const next = await get(`/api/ops/reports?limit=1&cursor=${page.body.nextCursor}`, moderator.headers);
      expect(next.body.items[0].id).not.toBe(page.body.items[0].id);
    });

    it('resolving keeps the chat while another report holds it, releases it with the last one, and decides once', async () => {
      const s = await endedSession();
      const a = (await report(s.sessionId, s.talker.headers, { reason: '骚扰/辱骂' })).body.id;
      const b = (await report(s.sessionId, s.listener.headers, { reason: '其他' })).body.id;
      const moderator = await loginAs(t, ['MODERATOR']);
      const first = await resolve(a, moderator.headers, { status: 'ACTIONED', resolution: '已警告倾听者' });
      expect(first.status).toBe(200);
      expect(first.body).toMatchObject({ id: a, status: 'ACTIONED', resolution: '已警告倾听者', resolvedBy: { id: moderator.user.id }, resolvedAt: expect.any(String) });
      expect((await conversation(s.conversationId)).frozen).toBe(true);
      expect(await resolve(a, moderator.headers, { status: 'DISMISSED', resolution: '再来一次' })).toMatchObject({ status: 409, body: { code: 'report/already_resolved' } });
      // The retention window passed while frozen: the key survives it, and goes once released.
      await t.prisma.conversation.update({ where: { id: s.conversationId }, data: { retainUntil: new Date(Date.now() - 1000) } });
      await runDue(t);
      expect((await conversation(s.conversationId)).keyWrapped).not.toBeNull();
      expect((await resolve(b, moderator.headers, { status: 'DISMISSED', resolution: '未发现违规' })).status).toBe(200);
      expect((await conversation(s.conversationId)).frozen).toBe(false);
      await waitFor(async () => { await runDue(t); return conversation(s.conversationId); }, (c) => c.keyWrapped === null, 10_000, 'the key destroyed');
      expect((await audits('report', b)).map((e) => e.action)).toEqual(['feedback.report.create', 'feedback.report.resolve']);
      expect((await audits('report', b))[1]).toMatchObject({ actorId: moderator.user.id, detail: expect.objectContaining({ status: 'DISMISSED', released: true }) });
    });

    it('two reports resolved at the same moment release the conversation (neither waits on the other)', async () => {
      const s = await endedSession();
      const a = (await report(s.sessionId, s.talker.headers, { reason: '其他' })).body.id;
      const b = (await report(s.sessionId, s.listener.headers, { reason: '其他' })).body.id;
      const [m1, m2] = [await loginAs(t, ['MODERATOR']), await loginAs(t, ['ADMIN'])];
      const results = await Promise.all([resolve(a, m1.headers, { status: 'DISMISSED', resolution: '无违规' }), resolve(b, m2.headers, { status: 'DISMISSED', resolution: '无违规' })]);
      expect(results.map((r) => r.status)).toEqual([200, 200]);
      expect((await conversation(s.conversationId)).frozen).toBe(false);
    });

    it('two moderators resolving one report at once: one wins, the other is 409', async () => {
      const s = await endedSession();
      const id = (await report(s.sessionId, s.talker.headers, { reason: '其他' })).body.id;
      const [m1, m2] = [await loginAs(t, ['MODERATOR']), await loginAs(t, ['MODERATOR'])];
      const results = await Promise.all([resolve(id, m1.headers, { status: 'ACTIONED', resolution: '已处理' }), resolve(id, m2.headers, { status: 'DISMISSED', resolution: '无违规' })]);
      expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
      expect(results.find((r) => r.status === 409)!.body.code).toBe('report/already_resolved');
      expect((await audits('report', id)).filter((e) => e.action === 'feedback.report.resolve')).toHaveLength(1);
    });

    it('refuses bad resolutions with 400 and unknown reports with 404', async () => {
      const s = await endedSession();
      const id = (await report(s.sessionId, s.talker.headers, { reason: '其他' })).body.id;
      const moderator = await loginAs(t, ['MODERATOR']);
      for (const body of [{}, { status: 'OPEN', resolution: '处理了' }, { status: 'ACTIONED' }, { status: 'ACTIONED', resolution: ' ' }, { status: 'ACTIONED', resolution: '字'.repeat(501) }]) {
        const res = await resolve(id, moderator.headers, body);
        expect({ body, status: res.status, code: res.body.code }).toEqual({ body, status: 400, code: 'request/invalid' });
      }
      expect(await resolve(randomUUID(), moderator.headers, { status: 'ACTIONED', resolution: '处理了' })).toMatchObject({ status: 404, body: { code: 'report/not_found' } });
      expect((await resolve('x', moderator.headers, { status: 'ACTIONED', resolution: '处理了' })).body.code).toBe('request/invalid');
      expect((await t.prisma.report.findUniqueOrThrow({ where: { id } })).status).toBe('OPEN');
    });
  });

  describe('disputes', () => {
    const decide = (id: string, headers: Headers, body: unknown) => post(t, `/api/ops/disputes/${id}/decide`, headers, body);
    const agent = () => loginAs(t, ['AGENT']);

    /** An ended session disputed by its talker. */
    async function disputed(units = 1) {
      const s = await endedSession(units);
      const res = await dispute(s.sessionId, s.talker.headers, { reason: '倾听者中途一直不回复' });
      if (res.status !== 201) throw new Error(`dispute: ${res.status} ${JSON.stringify(res.body)}`);
      return { ...s, disputeId: res.body.id as string };
    }

    it('the talker disputes within the window: the order is DISPUTED and the chat frozen, in one step', async () => {
      const s = await endedSession();
      const res = await dispute(s.sessionId, s.talker.headers, { reason: '  倾听者中途一直不回复  ' });
      expect(res.status).toBe(201);
      expect(res.body).toEqual({ id: expect.any(String), sessionId: s.sessionId, status: 'OPEN', decision: null, refundFen: null, createdAt: expect.any(String) });
      expect(await t.prisma.dispute.findUniqueOrThrow({ where: { id: res.body.id } })).toMatchObject({ orderId: s.orderId, talkerId: s.talker.id, reason: '倾听者中途一直不回复' });
      expect((await order(s.orderId)).status).toBe('DISPUTED');
      expect((await conversation(s.conversationId)).frozen).toBe(true);
      expect(await audits('dispute', res.body.id)).toEqual([expect.objectContaining({ action: 'feedback.dispute.open', actorId: s.talker.id })]);
      expect(await dispute(s.sessionId, s.talker.headers, { reason: '再提一次' })).toMatchObject({ status: 409, body: { code: 'dispute/already_exists' } });
    });

    it('only the talker, only after a session that ran and ended, only within the window', async () => {
      const s = await endedSession();
      expect(await dispute(s.sessionId, (await loginAs(t)).headers, { reason: '不满意' })).toMatchObject({ status: 404, body: { code: 'session/not_found' } });
      expect(await dispute(s.sessionId, s.listener.headers, { reason: '不满意' })).toMatchObject({ status: 403, body: { code: 'dispute/forbidden' } });
      const active = await activeSession(t, wx);
      expect(await dispute(active.sessionId, active.talker.headers, { reason: '不满意' })).toMatchObject({ status: 409, body: { code: 'dispute/not_ended' } });
      const waiting = await acceptedSession(t, wx);
      expect(await dispute(waiting.sessionId, waiting.talker.headers, { reason: '不满意' })).toMatchObject({ status: 409, body: { code: 'dispute/not_ended' } });
      for (const body of [{}, { reason: '' }, { reason: ' 差 ' }, { reason: '字'.repeat(501) }, { reason: '不满意', refundFen: 100 }]) {
        const res = await dispute(s.sessionId, s.talker.headers, body);
        expect({ body, status: res.status, code: res.body.code }).toEqual({ body, status: 400, code: 'request/invalid' });
      }
      // The end moves past DISPUTE_WINDOW_HOURS.
      await shiftSession(t, s.sessionId, t.config.DISPUTE_WINDOW_HOURS * 3600 + 60);
      const late = await dispute(s.sessionId, s.talker.headers, { reason: '不满意' });
      expect(late).toMatchObject({ status: 409, body: { code: 'dispute/window_closed' } });
      expect(late.body.message).toContain(`${t.config.DISPUTE_WINDOW_HOURS} 小时`);
      expect(await t.prisma.dispute.count({ where: { sessionId: { in: [s.sessionId, active.sessionId, waiting.sessionId] } } })).toBe(0);
      expect((await order(s.orderId)).status).toBe('COMPLETED');
      expect((await conversation(s.conversationId)).frozen).toBe(false);
    });

    it('a fully refunded order cannot be disputed, and nothing is left behind', async () => {
      const s = await activeSession(t, wx);
      await post(t, `/api/sessions/${s.sessionId}/end`, s.listener.headers);
      await waitForStatus(t, s.orderId, 'REFUNDED');
      expect(await dispute(s.sessionId, s.talker.headers, { reason: '不满意' })).toMatchObject({ status: 409, body: { code: 'dispute/not_disputable' } });
      expect(await t.prisma.dispute.count({ where: { sessionId: s.sessionId } })).toBe(0);
      expect((await conversation(s.conversationId)).frozen).toBe(false);
    });

    it('the ops queue shows agents, finance and admins the money and the time used; others get 403', async () => {
      const s = await disputed(2);
      const list = await get('/api/ops/disputes?status=OPEN&limit=50', (await agent()).headers);
      expect(list.status).toBe(200);
      const session = await t.prisma.session.findUniqueOrThrow({ where: { id: s.sessionId } });
      const o = await order(s.orderId);
      const [talker, listener] = await Promise.all([s.talker.id, s.listener.id].map((id) => t.prisma.user.findUniqueOrThrow({ where: { id } })));
      expect(list.body.items.find((i: { id: string }) => i.id === s.disputeId)).toEqual({
        id: s.disputeId,
        sessionId: s.sessionId,
        status: 'OPEN',
        decision: null,
        refundFen: null,
        createdAt: expect.any(String),
        reason: '倾听者中途一直不回复',
        note: null,
        decidedBy: null,
        decidedAt: null,
        talker: { id: talker.id, alias: talker.alias, avatarUrl: expect.any(String) },
        listener: { id: listener.id, alias: listener.alias, avatarUrl: expect.any(String) },
        order: { id: s.orderId, outTradeNo: o.outTradeNo, status: 'DISPUTED', totalFen: 4000, refundedFen: 2000, refundableFen: 2000 },
        session: {
          serviceType: 'TEXT',
          paidSeconds: 1800,
          usedSeconds: session.usedSeconds,
          chargedFen: 2000,
          startedAt: session.startedAt!.toISOString(),
          endedAt: session.endedAt!.toISOString(),
          endReason: 'TALKER_ENDED',
        },
      });
      expect(JSON.stringify(list.body)).not.toMatch(new RegExp(`${talker.openid}|${listener.openid}`));
      for (const role of ['FINANCE', 'ADMIN'] as const) expect((await get('/api/ops/disputes', (await loginAs(t, [role])).headers)).status).toBe(200);
      for (const role of ['MODERATOR', 'REVIEWER', 'TALKER'] as const) {
        const headers = (await loginAs(t, [role])).headers;
        expect((await get('/api/ops/disputes', headers)).status).toBe(403);
        expect((await decide(s.disputeId, headers, { decision: 'FULL', note: '全额退款' })).status).toBe(403);
      }
      expect((await get('/api/ops/disputes?status=CLOSED', (await agent()).headers)).body.code).toBe('request/invalid');
      expect((await order(s.orderId)).status).toBe('DISPUTED');
    });

    it('NONE: no money moves, the order is COMPLETED again, the chat is released', async () => {
      const s = await disputed();
      const operator = await agent();
      const res = await decide(s.disputeId, operator.headers, { decision: 'NONE', note: '聊天记录显示服务正常' });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ id: s.disputeId, status: 'DECIDED', decision: 'NONE', refundFen: 0, note: '聊天记录显示服务正常', decidedBy: { id: operator.user.id }, order: { status: 'COMPLETED', refundedFen: 0 } });
      expect(await order(s.orderId)).toMatchObject({ status: 'COMPLETED', refundedFen: 0 });
      expect(await t.prisma.refund.count({ where: { orderId: s.orderId } })).toBe(0);
      expect((await conversation(s.conversationId)).frozen).toBe(false);
      expect((await audits('dispute', s.disputeId)).map((e) => e.action)).toEqual(['feedback.dispute.open', 'feedback.dispute.decide']);
      expect((await ledgerCheck(t)).ok).toBe(true);
    });

    it('PARTIAL refunds exactly the operator’s amount; more than refundable, or no amount, is refused', async () => {
      const s = await disputed(2);
      const finance = await loginAs(t, ['FINANCE']);
      for (const body of [
        { decision: 'PARTIAL', note: '部分退款' },
        { decision: 'NONE', refundFen: 100, note: '不退款' },
        { decision: 'FULL', refundFen: 100, note: '全额' },
      ]) {
        expect(await decide(s.disputeId, finance.headers, body)).toMatchObject({ status: 400, body: { code: 'dispute/refund_amount_invalid' } });
      }
      for (const body of [{ decision: 'PARTIAL', refundFen: 0, note: '部分退款' }, { decision: 'PARTIAL', refundFen: 12.5, note: '部分退款' }, { decision: 'SOME', note: '部分退款' }, { decision: 'NONE' }, { decision: 'NONE', note: ' ' }]) {
        const res = await decide(s.disputeId, finance.headers, body);
        expect({ body, status: res.status, code: res.body.code }).toEqual({ body, status: 400, code: 'request/invalid' });
      }
      const tooMuch = await decide(s.disputeId, finance.headers, { decision: 'PARTIAL', refundFen: 2001, note: '部分退款' });
      expect(tooMuch).toMatchObject({ status: 400, body: { code: 'dispute/refund_out_of_range' } });
      expect(await t.prisma.dispute.findUniqueOrThrow({ where: { id: s.disputeId } })).toMatchObject({ status: 'OPEN', decision: null });
      expect((await order(s.orderId)).status).toBe('DISPUTED');
      expect(await decide(randomUUID(), finance.headers, { decision: 'NONE', note: '不退款' })).toMatchObject({ status: 404, body: { code: 'dispute/not_found' } });

      const res = await decide(s.disputeId, finance.headers, { decision: 'PARTIAL', refundFen: 777, note: '后半段回复不及时，退 7.77 元' });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ status: 'DECIDED', decision: 'PARTIAL', refundFen: 777 });
      const done = await waitForStatus(t, s.orderId, 'PARTIALLY_REFUNDED');
      expect(done.refundedFen).toBe(2000 + 777);
      const refunds = await t.prisma.refund.findMany({ where: { orderId: s.orderId }, orderBy: { createdAt: 'asc' } });
      expect(refunds.map((r) => [r.amountFen, r.status, r.requestedById])).toEqual([[2000, 'SUCCESS', s.talker.id], [777, 'SUCCESS', finance.user.id]]);
      expect(await orderHistory(t, s.orderId)).toEqual(['PENDING_PAYMENT', 'PAID', 'ACCEPTED', 'IN_SESSION', 'COMPLETED', 'REFUNDING', 'PARTIALLY_REFUNDED', 'DISPUTED', 'REFUNDING', 'PARTIALLY_REFUNDED']);
      expect((await conversation(s.conversationId)).frozen).toBe(false);
      expect((await ledgerCheck(t)).ok).toBe(true);
    });

    it('FULL refunds everything still refundable; the order ends REFUNDED', async () => {
      const s = await disputed(2);
      const res = await decide(s.disputeId, (await loginAs(t, ['ADMIN'])).headers, { decision: 'FULL', note: '倾听者未提供服务' });
      expect(res.body).toMatchObject({ status: 'DECIDED', decision: 'FULL', refundFen: 2000 });
      expect((await waitForStatus(t, s.orderId, 'REFUNDED')).refundedFen).toBe(4000);
      expect((await ledgerCheck(t)).ok).toBe(true);
    });

    it('two decisions at once: exactly one takes effect, the other is 409, and money moves once', async () => {
      const s = await disputed();
      const [a, b] = [await agent(), await loginAs(t, ['FINANCE'])];
      const results = await Promise.all([
        decide(s.disputeId, a.headers, { decision: 'FULL', note: '全额退款' }),
        decide(s.disputeId, b.headers, { decision: 'PARTIAL', refundFen: 500, note: '部分退款' }),
      ]);
      expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
      expect(results.find((r) => r.status === 409)!.body.code).toBe('dispute/already_decided');
      const winner = results.find((r) => r.status === 200)!.body;
      const expected = winner.decision === 'FULL' ? 2000 : 500;
      await waitForStatus(t, s.orderId, winner.decision === 'FULL' ? 'REFUNDED' : 'PARTIALLY_REFUNDED');
      const refunds = await t.prisma.refund.findMany({ where: { orderId: s.orderId } });
      expect(refunds.map((r) => r.amountFen)).toEqual([expected]);
      expect((await audits('dispute', s.disputeId)).filter((e) => e.action === 'feedback.dispute.decide')).toHaveLength(1);
      expect(await decide(s.disputeId, a.headers, { decision: 'NONE', note: '再裁定' })).toMatchObject({ status: 409, body: { code: 'dispute/already_decided' } });
      expect((await ledgerCheck(t)).ok).toBe(true);
    });

    it('a decided dispute leaves the chat frozen while a report still holds it; resolving the report releases it', async () => {
      const s = await disputed();
      const reportId = (await report(s.sessionId, s.listener.headers, { reason: '骚扰/辱骂' })).body.id;
      await decide(s.disputeId, (await agent()).headers, { decision: 'NONE', note: '不退款' });
      expect((await conversation(s.conversationId)).frozen).toBe(true);
      await post(t, `/api/ops/reports/${reportId}/resolve`, (await loginAs(t, ['MODERATOR'])).headers, { status: 'DISMISSED', resolution: '无违规' });
      expect((await conversation(s.conversationId)).frozen).toBe(false);
    });
  });
});
