import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Role } from '@qingting/prisma';
import { loginAs } from '../../test/auth';
import { startTestApp, TestApp } from '../../test/test-app';
import { answersFor, applicationBody, completeLessons, fileBytes, idNumberFor, passTraining, upload } from '../../test/vetting';
import { startTestSimulator, TestSimulator } from '../../test/wechat';
import { FieldCrypto } from '../identity/field-crypto.service';
import { QUIZ_POOL } from './training.content';

describe('vetting (e2e)', () => {
  let wx: TestSimulator;
  let t: TestApp;
  let dir: string;

  beforeAll(async () => {
    wx = await startTestSimulator();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qingting-vetting-'));
    t = await startTestApp({ ...wx.env, UPLOAD_DIR: dir });
  });
  afterAll(async () => {
    await t.close();
    await wx.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(() => wx.control('/__sim/content-rules', { risky: ['违禁词'], review: ['待审词'] }));

  const post = (url: string, headers: Record<string, string>, body: unknown = {}) => t.request(url, { method: 'POST', headers, body: JSON.stringify(body) });
  const put = (url: string, headers: Record<string, string>, body: unknown) => t.request(url, { method: 'PUT', headers, body: JSON.stringify(body) });
  const get = (url: string, headers: Record<string, string>) => t.request(url, { headers });

  /** A user who applied (optionally trained first) and the application id. */
  async function applicant(opts: { trained?: boolean; body?: Record<string, unknown> } = {}) {
    const me = await loginAs(t);
    if (opts.trained !== false) await passTraining(t, me.headers);
    const res = await post('/api/vetting/applications', me.headers, applicationBody(opts.body));
    if (res.status !== 201) throw new Error(`apply: ${res.status} ${JSON.stringify(res.body)}`);
    return { ...me, applicationId: res.body.id as string };
  }

  /** Everything a failed decision must leave as it was. */
  async function snapshot(applicationId: string) {
    const a = await t.prisma.listenerApplication.findUniqueOrThrow({ where: { id: applicationId } });
    return {
      application: a,
      user: await t.prisma.user.findUniqueOrThrow({ where: { id: a.userId }, select: { roles: true, alias: true } }),
      profile: await t.prisma.listenerProfile.findUnique({ where: { userId: a.userId } }),
      audit: await t.prisma.auditLog.count({ where: { subjectId: applicationId } }),
    };
  }

  const reviewer = (roles: Role[] = ['REVIEWER']) => loginAs(t, roles);

  describe('application', () => {
    it('submits an application: sensitive fields encrypted, identity verified, status visible to the applicant only', async () => {
      const me = await loginAs(t);
      const cert = await upload(t, me.headers, 'CERTIFICATE', fileBytes('png'));
      const voice = await upload(t, me.headers, 'VOICE_INTRO', fileBytes('m4a'));
      const res = await post('/api/vetting/applications', me.headers, applicationBody({ certificateFileIds: [cert.body.id], voiceIntroFileId: voice.body.id }));
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ status: 'SUBMITTED', identityVerified: true, reason: null, certificateFileIds: [cert.body.id] });
      expect(JSON.stringify(res.body)).not.toContain('林晓风');
      expect(JSON.stringify(res.body)).not.toContain(idNumberFor());

      const row = await t.prisma.listenerApplication.findUniqueOrThrow({ where: { id: res.body.id } });
      expect(row.realNameEnc).not.toContain('林晓风');
      expect(t.app.get(FieldCrypto).decrypt(row.idNumberEnc)).toBe(idNumberFor());
      expect(row.identityCheckRef).toMatch(/^sim-/);

      const mine = await get('/api/vetting/applications/mine', me.headers);
      expect(mine.body.application).toMatchObject({ id: res.body.id, status: 'SUBMITTED' });
      const other = await loginAs(t);
      expect((await get('/api/vetting/applications/mine', other.headers)).body).toEqual({ application: null });

      const again = await post('/api/vetting/applications', me.headers, applicationBody());
      expect(again.status).toBe(409);
      expect(again.body.code).toBe('vetting/application_open');
    });

    it.each([
      ['intro too short', { intro: '太短了' }, 'intro'],
      ['intro too long', { intro: '长'.repeat(1001) }, 'intro'],
      ['no topics', { topics: [] }, 'topics'],
      ['six topics', { topics: ['MARRIAGE', 'RELATIONSHIP', 'EMOTION', 'CAREER', 'SOCIAL', 'GROWTH'] }, 'topics'],
      ['unknown topic', { topics: ['ASTROLOGY'] }, 'topics'],
      ['wrong gender', { gender: 'OTHER' }, 'gender'],
      ['wrong age range', { ageRange: '12-17' }, 'ageRange'],
      ['tag too long', { tags: ['这是一个超过十二个字的经历标签哦'] }, 'tags'],
      ['nine tags', { tags: ['a1', 'a2', 'a3', 'a4', 'a5', 'a6', 'a7', 'a8', 'a9'] }, 'tags'],
      ['experience too long', { experience: '经'.repeat(1001) }, 'experience'],
      ['scenario answer too short', { scenarioAnswer: '我会倾听' }, 'scenarioAnswer'],
      ['ID number malformed', { idNumber: '12345' }, 'idNumber'],
      ['unknown field', { isAdmin: true }, 'isAdmin'],
    ])('refuses %s with 400 request/invalid, writing nothing', async (_name, override, field) => {
      const me = await loginAs(t);
      const res = await post('/api/vetting/applications', me.headers, applicationBody(override));
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('request/invalid');
      expect(res.body.details.map((d: { field: string }) => d.field)).toContain(field);
      expect(await t.prisma.listenerApplication.count({ where: { userId: me.user.id } })).toBe(0);
    });

    it('refuses text that content security rejects (400 vetting/content_rejected), and lets held text through to the human review', async () => {
      const me = await loginAs(t);
      const rejected = await post('/api/vetting/applications', me.headers, applicationBody({ experience: '我的经历里有违禁词，想分享给大家听听。' }));
      expect(rejected.status).toBe(400);
      expect(rejected.body.code).toBe('vetting/content_rejected');
      expect(rejected.body.details).toEqual([{ field: 'experience', problem: expect.any(String) }]);
      expect(await t.prisma.listenerApplication.count({ where: { userId: me.user.id } })).toBe(0);
      const held = await post('/api/vetting/applications', me.headers, applicationBody({ alias: '待审词小林' }));
      expect(held.status).toBe(201);
    });

    it('refuses a failed identity check: bad checksum, under 18, or the simulator failure name', async () => {
      const me = await loginAs(t);
      const good = idNumberFor();
      const badChecksum = good.slice(0, 17) + (good[17] === '0' ? '1' : '0');
      const young = idNumberFor(`${new Date().getFullYear() - 17}0101`);
      for (const override of [{ idNumber: badChecksum }, { idNumber: young }, { realName: '张测试失败' }]) {
        const res = await post('/api/vetting/applications', me.headers, applicationBody(override));
        expect(res.status).toBe(400);
        expect(res.body.code).toBe('vetting/identity_check_failed');
      }
      expect(await t.prisma.listenerApplication.count({ where: { userId: me.user.id } })).toBe(0);
    });

    it('refuses certificates that are not the applicant’s own certificate uploads', async () => {
      const me = await loginAs(t);
      const other = await loginAs(t);
      const theirs = await upload(t, other.headers, 'CERTIFICATE', fileBytes('png'));
      const myImage = await upload(t, me.headers, 'IMAGE', fileBytes('png'));
      for (const ids of [[theirs.body.id], [myImage.body.id], ['00000000-0000-4000-8000-000000000000']]) {
        const res = await post('/api/vetting/applications', me.headers, applicationBody({ certificateFileIds: ids }));
        expect(res.status).toBe(400);
        expect(res.body.code).toBe('vetting/invalid_file');
      }
      expect(await t.prisma.listenerApplication.count({ where: { userId: me.user.id } })).toBe(0);
    });

    it('refuses an application from someone who is already a listener', async () => {
      const me = await loginAs(t, ['TALKER', 'LISTENER']);
      const res = await post('/api/vetting/applications', me.headers, applicationBody());
      expect(res.status).toBe(409);
      expect(res.body.code).toBe('vetting/already_listener');
    });

    it('needs a login', async () => {
      const res = await t.request('/api/vetting/applications', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(applicationBody()) });
      expect(res.status).toBe(401);
    });
  });

  describe('review', () => {
    it('approves: LISTENER role, a NEW ACTIVE offline profile at the default price, audit row, subscribe message', async () => {
      const a = await applicant();
      const r = await reviewer();
      const queue = await get('/api/ops/vetting/applications?limit=50', r.headers);
      expect(queue.status).toBe(200);
      expect(queue.body.items.map((i: { id: string }) => i.id)).toContain(a.applicationId);

      const detail = await get(`/api/ops/vetting/applications/${a.applicationId}`, r.headers);
      expect(detail.body).toMatchObject({ status: 'SUBMITTED', trainingPassed: true, realName: '***' });
      expect(JSON.stringify(detail.body)).not.toContain('林晓风');

      const res = await post(`/api/ops/vetting/applications/${a.applicationId}/approve`, r.headers);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ status: 'APPROVED', decidedById: r.user.id });

      const user = await t.prisma.user.findUniqueOrThrow({ where: { id: a.user.id } });
      expect(user.roles).toEqual(expect.arrayContaining(['TALKER', 'LISTENER']));
      expect(user.alias).toBe('晚风小林');
      const profile = await t.prisma.listenerProfile.findUniqueOrThrow({ where: { userId: a.user.id } });
      expect(profile).toMatchObject({ tier: 'NEW', status: 'ACTIVE', online: false, certified: false, priceTextFen: 1500, topics: ['CAREER', 'EMOTION'], ageRange: '30-34' });
      expect(profile.searchText).toContain('晚风小林');
      const audit = await t.prisma.auditLog.findMany({ where: { subjectId: a.applicationId, action: 'vetting.approve' } });
      expect(audit).toEqual([expect.objectContaining({ actorId: r.user.id, detail: expect.objectContaining({ from: 'SUBMITTED', to: 'APPROVED' }) })]);

      // The applicant is notified after the commit.
      let messages: { body: { touser: string; data: Record<string, { value: string }> } }[] = [];
      for (let i = 0; i < 40 && !messages.some((m) => m.body.touser === user.openid); i++) {
        messages = (await (await fetch(`${wx.sim.url}/__sim/subscribe-messages`)).json()) as typeof messages;
        await new Promise((res) => setTimeout(res, 50));
      }
      expect(messages.find((m) => m.body.touser === user.openid)?.body.data.phrase2.value).toBe('已通过');

      const mine = await get('/api/vetting/applications/mine', a.headers);
      expect(mine.body.application.status).toBe('APPROVED');
    });

    it('rejects with a reason the applicant sees; a second decision is 409 vetting/already_decided and changes nothing', async () => {
      const a = await applicant();
      const r = await reviewer();
      const res = await post(`/api/ops/vetting/applications/${a.applicationId}/reject`, r.headers, { reason: '情景题回答过于简单' });
      expect(res.status).toBe(200);
      expect(res.body.status).toBe('REJECTED');
      expect((await get('/api/vetting/applications/mine', a.headers)).body.application).toMatchObject({ status: 'REJECTED', reason: '情景题回答过于简单' });

      const before = await snapshot(a.applicationId);
      for (const [action, body] of [['approve', {}], ['reject', { reason: '再拒一次' }], ['request-changes', { reason: '再改一次' }]] as const) {
        const again = await post(`/api/ops/vetting/applications/${a.applicationId}/${action}`, r.headers, body);
        expect(again.status).toBe(409);
        expect(again.body.code).toBe('vetting/already_decided');
      }
      expect(await snapshot(a.applicationId)).toEqual(before);
      // A rejected applicant may apply again.
      expect((await post('/api/vetting/applications', a.headers, applicationBody())).status).toBe(201);
    });

    it('request changes → the applicant edits and resubmits → SUBMITTED again → approved', async () => {
      const a = await applicant();
      const r = await reviewer();
      const rc = await post(`/api/ops/vetting/applications/${a.applicationId}/request-changes`, r.headers, { reason: '请补充你的倾听经历' });
      expect(rc.body.status).toBe('CHANGES_REQUESTED');
      expect((await get('/api/vetting/applications/mine', a.headers)).body.application).toMatchObject({ status: 'CHANGES_REQUESTED', reason: '请补充你的倾听经历' });
      // While changes are requested, reviewers cannot decide it.
      expect((await post(`/api/ops/vetting/applications/${a.applicationId}/approve`, r.headers)).body.code).toBe('vetting/already_decided');

      // Only the owner can resubmit.
      const stranger = await loginAs(t);
      expect((await put(`/api/vetting/applications/${a.applicationId}`, stranger.headers, applicationBody())).body.code).toBe('vetting/application_not_found');

      const resubmit = await put(`/api/vetting/applications/${a.applicationId}`, a.headers, applicationBody({ experience: '做过两年社区志愿者热线，接听过很多深夜来电，也经历过失业。' }));
      expect(resubmit.status).toBe(200);
      expect(resubmit.body).toMatchObject({ status: 'SUBMITTED', reason: null });
      const twice = await put(`/api/vetting/applications/${a.applicationId}`, a.headers, applicationBody());
      expect(twice.status).toBe(409);
      expect(twice.body.code).toBe('vetting/not_editable');

      const ok = await post(`/api/ops/vetting/applications/${a.applicationId}/approve`, r.headers);
      expect(ok.body.status).toBe('APPROVED');
    });

    it('a certificate claim needs a second, different reviewer; then the listener is certified', async () => {
      const me = await loginAs(t);
      await passTraining(t, me.headers);
      const cert = await upload(t, me.headers, 'CERTIFICATE', fileBytes('jpeg'));
      const applied = await post('/api/vetting/applications', me.headers, applicationBody({ certificateFileIds: [cert.body.id] }));
      const id = applied.body.id;
      const first = await reviewer();
      const second = await reviewer();

      const one = await post(`/api/ops/vetting/applications/${id}/approve`, first.headers);
      expect(one.body).toMatchObject({ status: 'AWAITING_SECOND_REVIEW', firstReviewerId: first.user.id, certificateClaim: true });
      expect(await t.prisma.listenerProfile.findUnique({ where: { userId: me.user.id } })).toBeNull();

      const before = await snapshot(id);
      const same = await post(`/api/ops/vetting/applications/${id}/approve`, first.headers);
      expect(same.status).toBe(409);
      expect(same.body.code).toBe('vetting/second_reviewer_required');
      expect(await snapshot(id)).toEqual(before);

      const two = await post(`/api/ops/vetting/applications/${id}/approve`, second.headers);
      expect(two.body).toMatchObject({ status: 'APPROVED', decidedById: second.user.id });
      expect((await t.prisma.listenerProfile.findUniqueOrThrow({ where: { userId: me.user.id } })).certified).toBe(true);
    });

    it('the second reviewer may also reject a certificate claim', async () => {
      const me = await loginAs(t);
      const cert = await upload(t, me.headers, 'CERTIFICATE', fileBytes('png'));
      const id = (await post('/api/vetting/applications', me.headers, applicationBody({ certificateFileIds: [cert.body.id] }))).body.id;
      const first = await reviewer();
      const second = await reviewer();
      expect((await post(`/api/ops/vetting/applications/${id}/approve`, first.headers)).body.status).toBe('AWAITING_SECOND_REVIEW');
      const res = await post(`/api/ops/vetting/applications/${id}/reject`, second.headers, { reason: '证书无法核实' });
      expect(res.body.status).toBe('REJECTED');
      expect(await t.prisma.listenerProfile.findUnique({ where: { userId: me.user.id } })).toBeNull();
    });

    it('refuses approval before the applicant passed the training (409 vetting/training_incomplete), changing nothing', async () => {
      const a = await applicant({ trained: false });
      const r = await reviewer();
      const before = await snapshot(a.applicationId);
      const res = await post(`/api/ops/vetting/applications/${a.applicationId}/approve`, r.headers);
      expect(res.status).toBe(409);
      expect(res.body.code).toBe('vetting/training_incomplete');
      expect(await snapshot(a.applicationId)).toEqual(before);
    });

    it('two reviewers deciding at once: exactly one wins, the other gets 409', async () => {
      const a = await applicant();
      const [r1, r2] = [await reviewer(), await reviewer()];
      const results = await Promise.all([
        post(`/api/ops/vetting/applications/${a.applicationId}/approve`, r1.headers),
        post(`/api/ops/vetting/applications/${a.applicationId}/reject`, r2.headers, { reason: '不合适' }),
      ]);
      expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
      expect(results.find((r) => r.status === 409)!.body.code).toBe('vetting/already_decided');
      const decisions = await t.prisma.auditLog.count({ where: { subjectId: a.applicationId, action: { in: ['vetting.approve', 'vetting.reject'] } } });
      expect(decisions).toBe(1);
    });

    it('reveals real name and ID number only through the audit-logged endpoint', async () => {
      const a = await applicant({ trained: false });
      const r = await reviewer();
      const name = await post(`/api/ops/vetting/applications/${a.applicationId}/sensitive`, r.headers, { field: 'realName' });
      expect(name.body).toEqual({ field: 'realName', value: '林晓风' });
      const id = await post(`/api/ops/vetting/applications/${a.applicationId}/sensitive`, r.headers, { field: 'idNumber' });
      expect(id.body.value).toBe(idNumberFor());
      const reads = await t.prisma.auditLog.findMany({ where: { subjectId: a.applicationId, action: 'sensitive.read' } });
      expect(reads.map((x) => (x.detail as { field: string }).field).sort()).toEqual(['idNumber', 'realName']);
      expect(reads.every((x) => x.actorId === r.user.id)).toBe(true);
      const bad = await post(`/api/ops/vetting/applications/${a.applicationId}/sensitive`, r.headers, { field: 'openid' });
      expect(bad.body.code).toBe('request/invalid');
    });

    it('only reviewers: 403 auth/forbidden for others, nothing changed', async () => {
      const a = await applicant();
      const before = await snapshot(a.applicationId);
      for (const roles of [['TALKER'], ['MODERATOR'], ['LISTENER']] as Role[][]) {
        const u = await loginAs(t, roles);
        for (const [method, url] of [['GET', '/api/ops/vetting/applications'], ['GET', `/api/ops/vetting/applications/${a.applicationId}`], ['POST', `/api/ops/vetting/applications/${a.applicationId}/approve`], ['POST', `/api/ops/vetting/applications/${a.applicationId}/sensitive`]]) {
          const res = await t.request(url, { method, headers: u.headers, ...(method === 'POST' ? { body: JSON.stringify({ field: 'realName' }) } : {}) });
          expect(res.status).toBe(403);
          expect(res.body.code).toBe('auth/forbidden');
        }
      }
      // The applicant cannot approve themselves either.
      expect((await post(`/api/ops/vetting/applications/${a.applicationId}/approve`, a.headers)).status).toBe(403);
      expect(await snapshot(a.applicationId)).toEqual(before);
    });

    it('validates decision input: reason required, ids are UUIDs, unknown ids 404, bad status filter 400', async () => {
      const a = await applicant();
      const r = await reviewer();
      const before = await snapshot(a.applicationId);
      const noReason = await post(`/api/ops/vetting/applications/${a.applicationId}/reject`, r.headers, {});
      expect(noReason.status).toBe(400);
      expect(noReason.body.code).toBe('request/invalid');
      const longReason = await post(`/api/ops/vetting/applications/${a.applicationId}/request-changes`, r.headers, { reason: '长'.repeat(501) });
      expect(longReason.body.code).toBe('request/invalid');
      expect((await post('/api/ops/vetting/applications/not-a-uuid/approve', r.headers)).body.code).toBe('request/invalid');
      const missing = await post('/api/ops/vetting/applications/00000000-0000-4000-8000-000000000000/approve', r.headers);
      expect(missing.status).toBe(404);
      expect(missing.body.code).toBe('vetting/application_not_found');
      expect((await get('/api/ops/vetting/applications?status=DONE', r.headers)).body.code).toBe('request/invalid');
      expect(await snapshot(a.applicationId)).toEqual(before);
    });

    it('lists the queue oldest first with a cursor', async () => {
      const r = await reviewer();
      const all: string[] = [];
      let cursor: string | null = null;
      do {
        const page: { body: { items: { id: string; submittedAt: string }[]; nextCursor: string | null } } = await get(`/api/ops/vetting/applications?limit=2${cursor ? `&cursor=${cursor}` : ''}`, r.headers);
        all.push(...page.body.items.map((i) => i.submittedAt));
        cursor = page.body.nextCursor;
      } while (cursor);
      expect(all.length).toBeGreaterThan(0);
      expect([...all].sort()).toEqual(all);
    });
  });

  describe('training and quiz', () => {
    it('lists the lessons with the crisis hotlines; the quiz opens only after every lesson', async () => {
      const me = await loginAs(t);
      const overview = await get('/api/vetting/training', me.headers);
      expect(overview.body.lessons.map((l: { id: string }) => l.id)).toEqual(['empathy', 'boundaries', 'privacy', 'crisis', 'rules']);
      expect(JSON.stringify(overview.body)).toContain('400-161-9995');
      expect(JSON.stringify(overview.body)).toContain('010-82951332');
      const early = await post('/api/vetting/quiz/attempts', me.headers);
      expect(early.status).toBe(409);
      expect(early.body.code).toBe('vetting/lessons_incomplete');
      expect((await post('/api/vetting/training/lessons/astrology/complete', me.headers)).body.code).toBe('vetting/lesson_not_found');
      await completeLessons(t, me.headers);
      expect((await get('/api/vetting/training', me.headers)).body.allLessonsCompleted).toBe(true);
    });

    it('passes at ≥ 80% and fails below; answers are never sent to the client', async () => {
      const me = await loginAs(t);
      await completeLessons(t, me.headers);
      const first = await post('/api/vetting/quiz/attempts', me.headers);
      expect(first.status).toBe(201);
      expect(first.body.questions).toHaveLength(10);
      const text = JSON.stringify(first.body);
      expect(text).not.toMatch(/"answer"/);
      expect(Object.keys(first.body.questions[0]).sort()).toEqual(['id', 'options', 'text']);
      const failed = await post(`/api/vetting/quiz/attempts/${first.body.id}/submit`, me.headers, { answers: answersFor(first.body.questions, 3) });
      expect(failed.body).toMatchObject({ scorePercent: 70, passed: false });
      expect(JSON.stringify(failed.body)).not.toMatch(/"answer"/);

      const second = await post('/api/vetting/quiz/attempts', me.headers);
      const passed = await post(`/api/vetting/quiz/attempts/${second.body.id}/submit`, me.headers, { answers: answersFor(second.body.questions, 2) });
      expect(passed.body).toMatchObject({ scorePercent: 80, passed: true });
      expect((await get('/api/vetting/training', me.headers)).body.quiz).toMatchObject({ passed: true, attemptsLeftToday: 1, openAttempt: null });
      expect(JSON.stringify((await get('/api/vetting/training', me.headers)).body)).not.toMatch(/"answer"/);
    });

    it('shuffles the questions per attempt and keeps the order on the server', async () => {
      const me = await loginAs(t);
      await completeLessons(t, me.headers);
      const a = await post('/api/vetting/quiz/attempts', me.headers);
      const b = await post('/api/vetting/quiz/attempts', me.headers);
      const c = await post('/api/vetting/quiz/attempts', me.headers);
      const orders = [a, b, c].map((r) => r.body.questions.map((q: { id: string }) => q.id).join(','));
      expect(new Set(orders).size).toBeGreaterThan(1);
      const row = await t.prisma.quizAttempt.findUniqueOrThrow({ where: { id: c.body.id } });
      expect(row.questionIds).toEqual(c.body.questions.map((q: { id: string }) => q.id));
      expect(QUIZ_POOL.length).toBeGreaterThanOrEqual(10);
    });

    it('allows 3 attempts per Beijing day (429 vetting/quiz_attempts_exhausted), even when started in parallel', async () => {
      const me = await loginAs(t);
      await completeLessons(t, me.headers);
      const results = await Promise.all([1, 2, 3, 4, 5].map(() => post('/api/vetting/quiz/attempts', me.headers)));
      expect(results.filter((r) => r.status === 201)).toHaveLength(3);
      const refused = results.filter((r) => r.status !== 201);
      expect(refused.map((r) => [r.status, r.body.code])).toEqual([[429, 'vetting/quiz_attempts_exhausted'], [429, 'vetting/quiz_attempts_exhausted']]);
      expect(await t.prisma.quizAttempt.count({ where: { userId: me.user.id } })).toBe(3);
      // Attempts from yesterday (Beijing) do not count.
      await t.prisma.quizAttempt.updateMany({ where: { userId: me.user.id }, data: { startedAt: new Date(Date.now() - 26 * 3600_000) } });
      expect((await post('/api/vetting/quiz/attempts', me.headers)).status).toBe(201);
    });

    it('two parallel submits of one attempt: exactly one graded, the other 409 vetting/quiz_already_submitted', async () => {
      const me = await loginAs(t);
      await completeLessons(t, me.headers);
      const start = await post('/api/vetting/quiz/attempts', me.headers);
      const answers = answersFor(start.body.questions);
      const results = await Promise.all([1, 2, 3].map(() => post(`/api/vetting/quiz/attempts/${start.body.id}/submit`, me.headers, { answers })));
      expect(results.filter((r) => r.status === 200)).toHaveLength(1);
      expect(results.filter((r) => r.status === 409).map((r) => r.body.code)).toEqual(['vetting/quiz_already_submitted', 'vetting/quiz_already_submitted']);
      expect(await t.prisma.auditLog.count({ where: { subjectId: start.body.id, action: 'vetting.quiz_submit' } })).toBe(1);
    });

    it('refuses incomplete or out-of-range answers and someone else’s attempt, changing nothing', async () => {
      const me = await loginAs(t);
      await completeLessons(t, me.headers);
      const start = await post('/api/vetting/quiz/attempts', me.headers);
      const url = `/api/vetting/quiz/attempts/${start.body.id}/submit`;
      expect((await post(url, me.headers, { answers: [0, 1] })).body.code).toBe('vetting/quiz_answers_invalid');
      expect((await post(url, me.headers, { answers: Array(10).fill(7) })).body.code).toBe('vetting/quiz_answers_invalid');
      expect((await post(url, me.headers, { answers: 'all A' })).body.code).toBe('request/invalid');
      const other = await loginAs(t);
      expect((await post(url, other.headers, { answers: answersFor(start.body.questions) })).body.code).toBe('vetting/quiz_attempt_not_found');
      const row = await t.prisma.quizAttempt.findUniqueOrThrow({ where: { id: start.body.id } });
      expect(row).toMatchObject({ status: 'STARTED', answers: null, scorePercent: null, passed: null });
    });
  });

  describe('tiers, suspension, audit view', () => {
    async function approvedListener() {
      const a = await applicant();
      const r = await reviewer();
      await post(`/api/ops/vetting/applications/${a.applicationId}/approve`, r.headers);
      return a;
    }

    it('promotes NEW → REGULAR → SENIOR by the counters, audit-logged, never demoting', async () => {
      const a = await approvedListener();
      const admin = await loginAs(t, ['ADMIN']);
      const evaluate = () => post(`/api/ops/listeners/${a.user.id}/evaluate-tier`, admin.headers);
      expect((await evaluate()).body).toEqual({ tier: 'NEW', changed: false });
      await t.prisma.listenerProfile.update({ where: { userId: a.user.id }, data: { ordersServed: 20, ratingAvgCenti: 449 } });
      expect((await evaluate()).body.tier).toBe('NEW');
      await t.prisma.listenerProfile.update({ where: { userId: a.user.id }, data: { ratingAvgCenti: 450 } });
      expect((await evaluate()).body).toEqual({ tier: 'REGULAR', changed: true });
      await t.prisma.listenerProfile.update({ where: { userId: a.user.id }, data: { ordersServed: 100, ratingAvgCenti: 470 } });
      expect((await evaluate()).body).toEqual({ tier: 'SENIOR', changed: true });
      await t.prisma.listenerProfile.update({ where: { userId: a.user.id }, data: { ratingAvgCenti: 300 } });
      expect((await evaluate()).body).toEqual({ tier: 'SENIOR', changed: false });
      const changes = await t.prisma.auditLog.findMany({ where: { subjectId: a.user.id, action: 'listener.tier_change' }, orderBy: { createdAt: 'asc' } });
      expect(changes.map((c) => (c.detail as { to: string }).to)).toEqual(['REGULAR', 'SENIOR']);
    });

    it('suspends and unsuspends (moderator or admin), audit-logged; repeats are 409; reviewers 403', async () => {
      const a = await approvedListener();
      await t.prisma.listenerProfile.update({ where: { userId: a.user.id }, data: { online: true } });
      const mod = await loginAs(t, ['MODERATOR']);
      const s = await post(`/api/ops/listeners/${a.user.id}/suspend`, mod.headers, { reason: '投诉属实：引导私下联系' });
      expect(s.body).toMatchObject({ status: 'SUSPENDED', suspendedReason: '投诉属实：引导私下联系' });
      expect((await t.prisma.listenerProfile.findUniqueOrThrow({ where: { userId: a.user.id } })).online).toBe(false);
      const again = await post(`/api/ops/listeners/${a.user.id}/suspend`, mod.headers, { reason: '再次暂停' });
      expect(again.status).toBe(409);
      expect(again.body.code).toBe('vetting/listener_state_unchanged');
      const rev = await reviewer();
      expect((await post(`/api/ops/listeners/${a.user.id}/unsuspend`, rev.headers, { reason: '申诉成功' })).status).toBe(403);
      const u = await post(`/api/ops/listeners/${a.user.id}/unsuspend`, mod.headers, { reason: '申诉成功' });
      expect(u.body).toMatchObject({ status: 'ACTIVE', suspendedReason: null });
      const actions = await t.prisma.auditLog.findMany({ where: { subjectId: a.user.id, action: { startsWith: 'listener.' } }, orderBy: { createdAt: 'asc' } });
      expect(actions.map((x) => x.action)).toEqual(['listener.create', 'listener.suspend', 'listener.unsuspend']);
      expect((await post('/api/ops/listeners/00000000-0000-4000-8000-000000000000/suspend', mod.headers, { reason: '不存在的人' })).status).toBe(404);
    });

    it('shows the audit log to admins and reviewers, filtered by subject, with a cursor; 403 for others', async () => {
      const a = await applicant();
      const r = await reviewer();
      await post(`/api/ops/vetting/applications/${a.applicationId}/request-changes`, r.headers, { reason: '请补充经历' });
      const page = await get(`/api/ops/audit?subjectType=listener_application&subjectId=${a.applicationId}&limit=1`, r.headers);
      expect(page.status).toBe(200);
      expect(page.body.items).toEqual([expect.objectContaining({ action: 'vetting.request_changes', actorId: r.user.id })]);
      const next = await get(`/api/ops/audit?subjectType=listener_application&subjectId=${a.applicationId}&cursor=${page.body.nextCursor}`, r.headers);
      expect(next.body.items.map((i: { action: string }) => i.action)).toEqual(['vetting.submit']);
      const talker = await loginAs(t);
      expect((await get('/api/ops/audit', talker.headers)).status).toBe(403);
      expect((await get('/api/ops/audit?limit=1000', r.headers)).body.code).toBe('request/invalid');
    });
  });
});
