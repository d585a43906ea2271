import { spawn } from 'node:child_process';
import { createHash, createPrivateKey } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { loginAs } from '../../test/auth';
import { createOrder, fireTimer, ledgerCheck, listenerWithSession, orderStatus, payOrder, post, waitFor } from '../../test/orders';
import { startTestApp, TestApp } from '../../test/test-app';
import { startTestSimulator, TestSimulator } from '../../test/wechat';
import { freePort } from '../common/free-port';
import { moveOrder } from '../orders/order-state';
import { SchedulerService } from '../scheduler/scheduler.service';
import { EARNINGS_RELEASE_JOB, EarningsService } from '../settlement/earnings.service';
import { signRequest, signResponse } from '../wechat/protocol/signing';
import { billDateOf } from '../wechat/protocol/time';
import { addDays } from './bill-date';
import { RECONCILE_DAILY_JOB, ReconciliationJob } from './reconciliation.job';

type Intercept = (req: http.IncomingMessage, body: Buffer) => Promise<{ status: number; headers: Record<string, string>; body: Buffer } | null>;

/** A pass-through HTTP proxy to `target` whose `intercept` may answer a request itself (to corrupt, drop or slow real traffic). */
async function startInterceptor(target: string, intercept: Intercept): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks);
    try {
      const answer = await intercept(req, body);
      if (answer) {
        res.writeHead(answer.status, answer.headers);
        res.end(answer.body);
        return;
      }
      const headers = Object.fromEntries(Object.entries(req.headers).filter(([k]) => !['host', 'content-length', 'connection'].includes(k))) as Record<string, string>;
      const up = await fetch(target + req.url, { method: req.method, headers, body: body.length ? body : undefined });
      const out = Buffer.from(await up.arrayBuffer());
      const back: Record<string, string> = {};
      up.headers.forEach((v, k) => {
        if (!['content-length', 'transfer-encoding', 'content-encoding', 'connection'].includes(k)) back[k] = v;
      });
      res.writeHead(up.status, back);
      res.end(out);
    } catch (err) {
      res.writeHead(502);
      res.end(String(err));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, close: () => new Promise((r) => server.close(() => r())) };
}

const sha1 = (b: Buffer) => createHash('sha1').update(b).digest('hex');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Bill file edits: lines without the BOM, CRLF kept. */
function editLines(file: Buffer, edit: (lines: string[]) => string[]): Buffer {
  const text = file.toString('utf8').replace(/^\uFEFF/, '');
  const lines = text.split('\r\n').slice(0, -1);
  return Buffer.from(`\uFEFF${edit(lines).join('\r\n')}\r\n`, 'utf8');
}
/** Applies `fn` to the header and every detail line (not the two summary lines). */
const editColumns = (fn: (fields: string[], isHeader: boolean) => string[]) => (file: Buffer) =>
  editLines(file, (lines) => lines.map((l, i) => (i < lines.length - 2 ? fn(l.split(','), i === 0).join(',') : l)));

describe('reconciliation of WeChat Pay bills (e2e: app + simulator + PostgreSQL)', () => {
  let wx: TestSimulator;
  let t: TestApp;
  let payProxy: Awaited<ReturnType<typeof startInterceptor>>;
  let notifyProxy: Awaited<ReturnType<typeof startInterceptor>>;
  let reconcileDir: string;
  let finance: Awaited<ReturnType<typeof loginAs>>;

  // The simulator's business clock: orders are paid on a chosen past date, bills fetched the day after.
  let simBase: number | null = null;
  let simSetAt = 0;
  const simNow = () => (simBase === null ? new Date() : new Date(simBase + (Date.now() - simSetAt)));
  const setSimTime = (iso: string) => {
    simBase = Date.parse(iso);
    simSetAt = Date.now();
  };

  // Faults injected between the app and the simulator.
  let dropNotifications = false;
  let billFault: { transform: (file: Buffer) => Buffer; keepOriginalHash?: boolean } | null = null;
  let slowDownloadMs = 0;
  const tampered = new Map<string, Buffer>();

  // Each test reconciles its own past date, so tests (and other suites paying "today") never meet.
  let nextDay = Date.parse('2024-03-01T12:00:00+08:00');
  const freshDate = () => {
    const d = billDateOf(new Date(nextDay));
    nextDay += 86_400_000;
    return d;
  };

  beforeAll(async () => {
    wx = await startTestSimulator({ now: simNow });
    const keys = wx.sim.keys;
    const platform = { serial: keys.platform.publicKeyId, privateKey: createPrivateKey(keys.platform.privateKeyPem) };
    payProxy = await startInterceptor(wx.sim.url, async (req) => {
      const url = new URL(req.url!, 'http://proxy');
      if (url.pathname === '/v3/billdownload/file') {
        const file = tampered.get(url.searchParams.get('token') ?? '');
        if (file) return { status: 200, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: file };
        if (slowDownloadMs) await sleep(slowDownloadMs);
        return null;
      }
      if (url.pathname !== '/v3/bill/tradebill' || !billFault) return null;
      const fault = billFault;
      const up = await fetch(wx.sim.url + req.url, { headers: { authorization: req.headers.authorization!, accept: 'application/json' } });
      const info = (await up.json()) as { download_url: string };
      const download = new URL(info.download_url);
      const authorization = signRequest({ mchid: keys.mchid, serialNo: keys.merchant.serialNo, privateKey: keys.merchant.privateKeyPem }, { method: 'GET', pathWithQuery: download.pathname + download.search });
      const original = Buffer.from(await (await fetch(download, { headers: { authorization } })).arrayBuffer());
      const file = fault.transform(original);
      const token = `tampered-${tampered.size}`;
      tampered.set(token, file);
      const json = JSON.stringify({ hash_type: 'SHA1', hash_value: sha1(fault.keepOriginalHash ? original : file), download_url: `${payProxy.url}/v3/billdownload/file?token=${token}` });
      return { status: 200, headers: { 'content-type': 'application/json', ...signResponse(platform, json) }, body: Buffer.from(json) };
    });
    const port = await freePort();
    notifyProxy = await startInterceptor(`http://127.0.0.1:${port}`, async () => (dropNotifications ? { status: 503, headers: {}, body: Buffer.from('') } : null));
    reconcileDir = fs.mkdtempSync(path.join(os.tmpdir(), 'qingting-reconcile-'));
    // Development mode: the one app of the test run that runs the daily job (see ReconciliationJob).
    t = await startTestApp({
      ...wx.env,
      NODE_ENV: 'development',
      PORT: String(port),
      WECHAT_PAY_API_BASE: payProxy.url,
      WECHAT_NOTIFY_BASE_URL: notifyProxy.url,
      RECONCILE_DIR: reconcileDir,
    });
    finance = await loginAs(t, ['FINANCE']);
  });
  afterEach(async () => {
    billFault = null;
    slowDownloadMs = 0;
    dropNotifications = false;
    await wx.control('/__sim/bill-faults', {});
  });
  afterAll(async () => {
    await t?.close();
    await wx?.close();
    await payProxy?.close();
    await notifyProxy?.close();
    if (reconcileDir) fs.rmSync(reconcileDir, { recursive: true, force: true });
  });

  /** `count` orders of `units` × 20 CNY paid on `date` (China time), each through the real checkout and notification. */
  async function paidOrders(date: string, count: number, units = 1) {
    setSimTime(`${date}T10:00:00+08:00`);
    const orders: { id: string; outTradeNo: string; totalFen: number }[] = [];
    for (let i = 0; i < count; i++) {
      const talker = await loginAs(t);
      const listener = await listenerWithSession(t);
      const { body } = await createOrder(t, talker.headers, { listenerId: listener.user.id, serviceType: 'TEXT', units });
      const order = await payOrder(t, wx, talker.headers, body.id);
      expect(billDateOf(order.paidAt!)).toBe(date);
      orders.push({ id: order.id, outTradeNo: order.outTradeNo, totalFen: order.totalFen });
    }
    return orders;
  }

  /** A finance refund at the simulator's current time; resolves when WeChat has completed it. */
  async function refund(orderId: string, amountFen: number) {
    const res = await post(t, `/api/ops/orders/${orderId}/refund`, finance.headers, { amountFen, reason: '对账测试退款' });
    expect(res.status).toBe(200);
    const refundRow = await waitFor(() => t.prisma.refund.findFirstOrThrow({ where: { orderId }, orderBy: { createdAt: 'desc' } }), (r) => r.refundId !== null, 5_000, 'refund submitted');
    await waitFor(async () => ((await wx.sim.store.state.refunds[refundRow.outRefundNo]?.status) as string | undefined), (s) => s === 'SUCCESS', 5_000, 'refund done at WeChat');
    return refundRow;
  }

  /** Reconciles `date` through the ops API, with the bills fetched on the next day. */
  async function reconcile(date: string, headers = finance.headers) {
    setSimTime(`${addDays(date, 1)}T11:00:00+08:00`);
    return post(t, '/api/ops/reconciliation', headers, { date });
  }

  const itemsOf = async (runId: string, query = '') => (await t.request(`/api/ops/reconciliation/${runId}?limit=50${query}`, { headers: finance.headers })).body;

  it('a clean day: every payment and refund matched, fees agree, totals equal the ledger; CSV written and downloadable', async () => {
    const date = freshDate();
    const orders = await paidOrders(date, 3);
    const r = await refund(orders[0].id, 500);
    await waitFor(() => t.prisma.refund.findUniqueOrThrow({ where: { id: r.id } }), (x) => x.status === 'SUCCESS', 5_000, 'refund applied');

    const res = await reconcile(date);
    expect(res.status).toBe(200);
    const run = res.body;
    expect(run).toMatchObject({ billDate: date, status: 'DONE', trigger: `ops:${finance.user.id}`, error: null });
    const s = run.summary;
    expect(s.categories).toEqual({ MISSING_LOCAL: 0, MISSING_AT_WECHAT: 0, AMOUNT_MISMATCH: 0, STATUS_MISMATCH: 0 });
    expect(s.matched).toEqual({ trade: 3, refund: 1, transfer: 0 });
    expect(s.trade).toMatchObject({ present: true, lines: 4, payments: { count: 3, fen: 6000 }, refunds: { count: 1, fen: 500 } });
    expect(s.trade.summary).toMatchObject({ count: 4, refundFen: 500 });
    // 0.6 % of 20.00 three times (12 fen each), 0.6 % of 5.00 back (3 fen).
    expect(s.fees).toEqual({ tradeBillFen: 36 - 3, fundFlowFen: 36 - 3, ok: true });
    expect(s.local.payments).toEqual({ count: 3, fen: 6000 });
    expect(s.ledger).toEqual({ paymentsFen: 6000, refundsFen: 500, billPaymentsFen: 6000, billRefundsFen: 500, paymentsDiffFen: 0, refundsDiffFen: 0, ok: true });

    const csvFile = path.join(reconcileDir, `${date}-${run.id}.csv`);
    expect(fs.readFileSync(csvFile, 'utf8')).toBe('\uFEFF类别,类别代码,类型,单号,本地金额(元),微信金额(元),本地状态,微信状态,已自动修复,说明\r\n');
    const csv = await fetch(`${t.url}/api/ops/reconciliation/${run.id}/csv`, { headers: finance.headers });
    expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(csv.headers.get('content-disposition')).toBe(`attachment; filename="reconciliation-${date}-${run.id}.csv"`);
    expect(Buffer.from(await csv.arrayBuffer()).equals(fs.readFileSync(csvFile))).toBe(true);

    const list = await t.request(`/api/ops/reconciliation?date=${date}`, { headers: finance.headers });
    expect(list.body.items.map((x: { id: string }) => x.id)).toEqual([run.id]);

    // Finance figures of the same day, from orders, refunds and the ledger (30 % commission, 5.00 refunded: 1.50 reversed).
    const daily = await t.request(`/api/ops/finance/daily?from=${addDays(date, -1)}&to=${date}`, { headers: finance.headers });
    expect(daily.status).toBe(200);
    expect(daily.body.days[1]).toEqual({ date, orders: 3, gmvFen: 6000, refundsFen: 0, netFen: 6000, commissionFen: 1800 });
    expect(daily.body.days[0]).toEqual({ date: addDays(date, -1), orders: 0, gmvFen: 0, refundsFen: 0, netFen: 0, commissionFen: 0 });
  });

  it('is for finance and admins only; bad input is a 400', async () => {
    const agent = await loginAs(t, ['AGENT']);
    expect((await post(t, '/api/ops/reconciliation', agent.headers, { date: '2024-01-01' })).status).toBe(403);
    expect((await t.request('/api/ops/finance/daily?from=2024-01-01&to=2024-01-02', { headers: agent.headers })).status).toBe(403);
    for (const date of ['2024-1-1', '2024-13-01', '2024-02-30']) {
      const res = await post(t, '/api/ops/reconciliation', finance.headers, { date });
      expect([res.status, res.body.code]).toEqual([400, 'request/invalid']);
    }
    const badId = await t.request('/api/ops/reconciliation/not-a-uuid', { headers: finance.headers });
    expect([badId.status, badId.body.code]).toEqual([400, 'request/invalid']);
    const unknown = await t.request('/api/ops/reconciliation/00000000-0000-4000-8000-000000000000', { headers: finance.headers });
    expect([unknown.status, unknown.body.code]).toEqual([404, 'reconcile/not_found']);
    const badCursor = await t.request('/api/ops/reconciliation?cursor=abc', { headers: finance.headers });
    expect([badCursor.status, badCursor.body.code]).toEqual([400, 'request/invalid']);
    const badCategory = await t.request('/api/ops/reconciliation/00000000-0000-4000-8000-000000000000?category=NOPE', { headers: finance.headers });
    expect(badCategory.status).toBe(400);
    for (const q of ['from=2024-02-01&to=2024-01-01', 'from=2024-01-01&to=2024-06-01', 'from=2024-02-30&to=2024-03-01']) {
      const res = await t.request(`/api/ops/finance/daily?${q}`, { headers: finance.headers });
      expect([res.status, res.body.code]).toEqual([400, 'finance/range_invalid']);
    }
    expect((await t.request('/api/ops/finance/daily?from=yesterday&to=2024-01-01', { headers: finance.headers })).body.code).toBe('request/invalid');
  });

  it('fault "dropped line": the payment WeChat left out is MISSING_AT_WECHAT and the ledger is over by its amount', async () => {
    const date = freshDate();
    const [a, b] = await paidOrders(date, 2);
    await wx.control('/__sim/bill-faults', { dropLine: b.outTradeNo });
    const { body: run } = await reconcile(date);
    expect(run.status).toBe('DONE');
    expect(run.summary.categories).toMatchObject({ MISSING_AT_WECHAT: 1, MISSING_LOCAL: 0, AMOUNT_MISMATCH: 0, STATUS_MISMATCH: 0 });
    expect(run.summary.matched.trade).toBe(1);
    expect(run.summary.ledger).toMatchObject({ paymentsFen: 4000, billPaymentsFen: 2000, paymentsDiffFen: -2000, ok: false });
    const { items } = await itemsOf(run.id);
    expect(items).toEqual([expect.objectContaining({ category: 'MISSING_AT_WECHAT', kind: 'TRADE', reference: b.outTradeNo, localFen: 2000, wechatFen: null, repaired: false })]);
    expect(items[0].reference).not.toBe(a.outTradeNo);
  });

  it('fault "altered amount": AMOUNT_MISMATCH with both amounts', async () => {
    const date = freshDate();
    const [a] = await paidOrders(date, 2);
    await wx.control('/__sim/bill-faults', { alterAmount: { out_trade_no: a.outTradeNo, deltaFen: 1 } });
    const { body: run } = await reconcile(date);
    expect(run.summary.categories).toMatchObject({ AMOUNT_MISMATCH: 1, MISSING_AT_WECHAT: 0, MISSING_LOCAL: 0 });
    expect((await itemsOf(run.id)).items).toEqual([expect.objectContaining({ category: 'AMOUNT_MISMATCH', reference: a.outTradeNo, localFen: 2000, wechatFen: 2001, localState: 'PAID', wechatState: 'SUCCESS' })]);
    expect(run.summary.ledger.paymentsDiffFen).toBe(1);
  });

  it('fault "unknown order": MISSING_LOCAL, not ours, so not repaired', async () => {
    const date = freshDate();
    await paidOrders(date, 1);
    await wx.control('/__sim/bill-faults', { unknownOrder: true });
    const { body: run } = await reconcile(date);
    expect(run.summary.categories).toMatchObject({ MISSING_LOCAL: 1, MISSING_AT_WECHAT: 0, AMOUNT_MISMATCH: 0 });
    expect(run.summary.repaired).toBe(0);
    const [item] = (await itemsOf(run.id)).items;
    expect(item).toMatchObject({ category: 'MISSING_LOCAL', kind: 'TRADE', reference: `SIMUNKNOWN${date.replace(/-/g, '')}`, wechatFen: 100, localFen: null, repaired: false });
    expect(item.detail).toContain('本地没有这个订单');
  });

  it('a payment and a refund we never heard of (lost notifications) are repaired by querying WeChat Pay', async () => {
    const date = freshDate();
    const [paid] = await paidOrders(date, 1);
    // The second order is paid at WeChat, but every notification is lost.
    const talker = await loginAs(t);
    const listener = await listenerWithSession(t);
    const { body: created } = await createOrder(t, talker.headers, { listenerId: listener.user.id, serviceType: 'TEXT', units: 2 });
    expect((await post(t, `/api/orders/${created.id}/pay`, talker.headers)).status).toBe(200);
    const lost = await orderStatus(t, created.id);
    dropNotifications = true;
    await wx.control(`/__sim/pay/${lost.outTradeNo}/confirm`);
    const lostRefund = await refund(paid.id, 800);
    await sleep(600); // past the simulator's three quick retries
    expect((await orderStatus(t, created.id)).status).toBe('PENDING_PAYMENT');
    expect((await t.prisma.refund.findUniqueOrThrow({ where: { id: lostRefund.id } })).status).toBe('PROCESSING');
    dropNotifications = false;

    const { body: run } = await reconcile(date);
    expect(run.status).toBe('DONE');
    expect(run.summary.categories).toMatchObject({ MISSING_LOCAL: 1, STATUS_MISMATCH: 1, MISSING_AT_WECHAT: 0, AMOUNT_MISMATCH: 0 });
    expect(run.summary.repaired).toBe(2);
    const { items } = await itemsOf(run.id);
    expect(items).toEqual([
      expect.objectContaining({ category: 'MISSING_LOCAL', kind: 'TRADE', reference: lost.outTradeNo, localState: 'PENDING_PAYMENT', wechatFen: 4000, repaired: true, detail: expect.stringContaining('已按查询结果补记支付') }),
      expect.objectContaining({ category: 'STATUS_MISMATCH', kind: 'REFUND', reference: lostRefund.outRefundNo, localState: 'PROCESSING', wechatState: 'SUCCESS', repaired: true }),
    ]);
    // Applied through the ordinary paths: the order is paid on WeChat's time, the refund finalised, the ledger agrees with the bill.
    const repaired = await orderStatus(t, created.id);
    expect(repaired.status).toBe('PAID');
    expect(billDateOf(repaired.paidAt!)).toBe(date);
    expect((await t.prisma.refund.findUniqueOrThrow({ where: { id: lostRefund.id } })).status).toBe('SUCCESS');
    expect(run.summary.ledger).toMatchObject({ paymentsFen: 6000, refundsFen: 800, ok: true });

    // Reconciling the day again finds nothing left to repair.
    const { body: again } = await reconcile(date);
    expect(again.summary.categories).toEqual({ MISSING_LOCAL: 0, MISSING_AT_WECHAT: 0, AMOUNT_MISMATCH: 0, STATUS_MISMATCH: 0 });
    expect((await ledgerCheck(t)).mismatches.filter((m) => [created.id, paid.id].includes(m.orderId))).toEqual([]);
  });

  it('merchant transfers in the fund-flow bill are matched with the payouts; one the app never heard back about is STATUS_MISMATCH', async () => {
    const date = freshDate();
    setSimTime(`${date}T10:00:00+08:00`);
    // A listener with withdrawable earnings, the way the settlement module makes them: a completed order, held, released.
    const talker = await loginAs(t);
    const listener = await listenerWithSession(t);
    const { body: order } = await createOrder(t, talker.headers, { listenerId: listener.user.id, serviceType: 'TEXT', units: 2 });
    await payOrder(t, wx, talker.headers, order.id);
    expect((await post(t, `/api/orders/${order.id}/accept`, listener.headers)).status).toBe(200);
    await t.prisma.$transaction((tx) => moveOrder(tx, order.id, 'ACCEPTED', 'COMPLETED', { actorId: null, reason: 'test: session ended' }));
    await t.prisma.$transaction((tx) => t.app.get(EarningsService).holdUntil(order.id, listener.user.id, new Date(Date.now() + 3_600_000), tx));
    await fireTimer(t, EARNINGS_RELEASE_JOB, order.id);
    await waitFor(() => t.prisma.earningHold.findUniqueOrThrow({ where: { orderId: order.id } }), (h) => h.releasedAt !== null, 10_000, 'release');

    const payout = async (amountFen: number) => {
      const res = await post(t, '/api/payouts', listener.headers, { amountFen });
      expect(res.status).toBe(201);
      const row = await t.prisma.payout.findUniqueOrThrow({ where: { id: res.body.id } });
      await wx.control(`/__sim/transfers/${row.outBillNo}/confirm`);
      return row;
    };
    const confirmed = await payout(1000);
    await waitFor(() => t.prisma.payout.findUniqueOrThrow({ where: { id: confirmed.id } }), (p) => p.status === 'SUCCESS', 10_000, 'payout done');
    dropNotifications = true;
    const unheard = await payout(1200);
    await sleep(600);
    dropNotifications = false;
    expect((await t.prisma.payout.findUniqueOrThrow({ where: { id: unheard.id } })).status).toBe('WAIT_USER_CONFIRM');

    const { body: run } = await reconcile(date);
    expect(run.status).toBe('DONE');
    expect(run.summary.fundFlow.transfers).toEqual({ count: 2, fen: 2200 });
    expect(run.summary.matched).toEqual({ trade: 1, refund: 0, transfer: 1 });
    expect((await itemsOf(run.id)).items).toEqual([
      expect.objectContaining({ category: 'STATUS_MISMATCH', kind: 'TRANSFER', reference: unheard.outBillNo, localFen: 1200, wechatFen: 1200, localState: 'WAIT_USER_CONFIRM', wechatState: 'SUCCESS', repaired: false }),
    ]);
  });

  it('drill-down pages items and filters them by category', async () => {
    const date = freshDate();
    const orders = await paidOrders(date, 2);
    await wx.control('/__sim/bill-faults', { dropLine: orders[0].outTradeNo, alterAmount: { out_trade_no: orders[1].outTradeNo, deltaFen: -5 }, unknownOrder: true });
    const { body: run } = await reconcile(date);
    expect(run.summary.categories).toEqual({ MISSING_LOCAL: 1, MISSING_AT_WECHAT: 1, AMOUNT_MISMATCH: 1, STATUS_MISMATCH: 0 });
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res = await t.request(`/api/ops/reconciliation/${run.id}?limit=1${cursor ? `&cursor=${cursor}` : ''}`, { headers: finance.headers });
      expect(res.body.items).toHaveLength(1);
      expect(res.body.run.id).toBe(run.id);
      seen.push(res.body.items[0].category);
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(['AMOUNT_MISMATCH', 'MISSING_AT_WECHAT', 'MISSING_LOCAL']);
    const filtered = await itemsOf(run.id, '&category=MISSING_LOCAL');
    expect(filtered.items.map((i: { category: string }) => i.category)).toEqual(['MISSING_LOCAL']);
    const csv = fs.readFileSync(path.join(reconcileDir, `${date}-${run.id}.csv`), 'utf8').split('\r\n');
    expect(csv).toHaveLength(1 + 3 + 1);
    expect(csv[1]).toBe(`金额不符,AMOUNT_MISMATCH,支付,${orders[1].outTradeNo},20.00,19.95,PAID,SUCCESS,否,金额不符：本地 2000 分，微信 1995 分`);
  });

  it('a bill whose SHA1 does not match: FAILED reconcile/bill_hash_mismatch, nothing written', async () => {
    const date = freshDate();
    await paidOrders(date, 1);
    billFault = { transform: (f) => Buffer.from(f.toString('utf8').replace('`20.00', '`21.00'), 'utf8'), keepOriginalHash: true };
    const res = await reconcile(date);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'FAILED', summary: null, error: { code: 'reconcile/bill_hash_mismatch' } });
    expect(res.body.error.message).toContain('SHA1');
    expect(await t.prisma.reconciliationItem.count({ where: { runId: res.body.id } })).toBe(0);
    expect(fs.existsSync(path.join(reconcileDir, `${date}-${res.body.id}.csv`))).toBe(false);
  });

  it.each([
    ['no summary rows', (f: Buffer) => editLines(f, (lines) => lines.slice(0, -2))],
    ['cut in the middle of a line', (f: Buffer) => f.subarray(0, f.length - 40)],
    ['a summary counting more lines', (f: Buffer) => editLines(f, (lines) => [...lines.slice(0, -1), lines.at(-1)!.replace(/^`\d+/, '`99')])],
  ])('a truncated bill (%s): FAILED reconcile/bill_truncated, no items', async (_name, transform) => {
    const date = freshDate();
    await paidOrders(date, 2);
    // Two payments mismatched locally would be items, were anything written.
    await wx.control('/__sim/bill-faults', { unknownOrder: true });
    billFault = { transform };
    const { body: run } = await reconcile(date);
    expect(run).toMatchObject({ status: 'FAILED', error: { code: 'reconcile/bill_truncated' } });
    expect(await t.prisma.reconciliationItem.count({ where: { runId: run.id } })).toBe(0);
  });

  it('columns in another order are read by their header names', async () => {
    const date = freshDate();
    await paidOrders(date, 2);
    billFault = { transform: editColumns((fields) => [...fields].reverse()) };
    const { body: run } = await reconcile(date);
    expect(run.status).toBe('DONE');
    expect(run.summary.matched.trade).toBe(2);
    expect(run.summary.categories).toEqual({ MISSING_LOCAL: 0, MISSING_AT_WECHAT: 0, AMOUNT_MISMATCH: 0, STATUS_MISMATCH: 0 });
  });

  it.each([
    ['an unknown column', editColumns((fields, header) => [...fields, header ? '神秘列' : '`x'])],
    ['a required column missing', editColumns((fields) => fields.filter((_, i) => i !== 6))],
  ])('%s: FAILED reconcile/bill_format', async (_name, transform) => {
    const date = freshDate();
    await paidOrders(date, 1);
    billFault = { transform };
    const { body: run } = await reconcile(date);
    expect(run).toMatchObject({ status: 'FAILED', error: { code: 'reconcile/bill_format' } });
  });

  it('no bill yet: 409 reconcile/bill_not_ready and nothing recorded; a past day without business reconciles as empty', async () => {
    const today = billDateOf(new Date());
    setSimTime(new Date().toISOString());
    const res = await post(t, '/api/ops/reconciliation', finance.headers, { date: today });
    expect([res.status, res.body.code]).toEqual([409, 'reconcile/bill_not_ready']);
    expect(await t.prisma.reconciliationRun.count({ where: { billDate: today, trigger: { startsWith: 'ops:' } } })).toBe(0);

    // Before 10:00 the next day WeChat is still generating it.
    const date = freshDate();
    await paidOrders(date, 1);
    setSimTime(`${addDays(date, 1)}T09:00:00+08:00`);
    const early = await post(t, '/api/ops/reconciliation', finance.headers, { date });
    expect([early.status, early.body.code]).toEqual([409, 'reconcile/bill_not_ready']);
    expect(await t.prisma.reconciliationRun.count({ where: { billDate: date } })).toBe(0);

    const quiet = freshDate();
    const { body: run } = await reconcile(quiet);
    expect(run).toMatchObject({ status: 'DONE', summary: { trade: { present: false, lines: 0 }, fundFlow: { present: false }, matched: { trade: 0 } } });
    expect(run.summary.ledger.ok).toBe(true);
  });

  it('one run per date at a time: a concurrent start gets 409 reconcile/running; a dead run is taken over', async () => {
    const date = freshDate();
    await paidOrders(date, 1);
    setSimTime(`${addDays(date, 1)}T11:00:00+08:00`);
    slowDownloadMs = 1500;
    const [a, b] = await Promise.all([
      post(t, '/api/ops/reconciliation', finance.headers, { date }),
      sleep(300).then(() => post(t, '/api/ops/reconciliation', finance.headers, { date })),
    ]);
    expect(a.status).toBe(200);
    expect(a.body.status).toBe('DONE');
    expect([b.status, b.body.code]).toEqual([409, 'reconcile/running']);
    slowDownloadMs = 0;

    // Run again later: a second, independent run.
    const again = await post(t, '/api/ops/reconciliation', finance.headers, { date });
    expect(again.body.status).toBe('DONE');
    expect(again.body.id).not.toBe(a.body.id);

    // A run whose process died (no heartbeat for minutes) does not block the date.
    const dead = await t.prisma.reconciliationRun.create({ data: { billDate: date, trigger: 'cli', startedAt: new Date(Date.now() - 10 * 60_000) } });
    const after = await post(t, '/api/ops/reconciliation', finance.headers, { date });
    expect(after.body.status).toBe('DONE');
    const marked = await t.prisma.reconciliationRun.findUniqueOrThrow({ where: { id: dead.id } });
    expect(marked.status).toBe('FAILED');
    expect(marked.error).toMatch(/^reconcile\/interrupted: /);
  });

  it('the daily job reconciles the date once and chains the next job; start-up creates the jobs', async () => {
    const scheduler = t.app.get(SchedulerService);
    const job = t.app.get(ReconciliationJob);
    const today = billDateOf(new Date());
    const todays = await t.prisma.scheduledJob.findUniqueOrThrow({ where: { kind_key: { kind: RECONCILE_DAILY_JOB, key: today } } });
    expect(todays.dueAt.toISOString()).toBe(new Date(Date.parse(`${addDays(today, 1)}T10:00:00+08:00`)).toISOString());
    expect(await t.prisma.scheduledJob.count({ where: { kind: RECONCILE_DAILY_JOB, key: addDays(today, -1) } })).toBe(1);

    const date = freshDate();
    await paidOrders(date, 1);
    setSimTime(`${addDays(date, 1)}T10:05:00+08:00`);
    await scheduler.schedule(RECONCILE_DAILY_JOB, date, new Date(Date.now() - 1000));
    const runs = await waitFor(() => t.prisma.reconciliationRun.findMany({ where: { billDate: date } }), (r) => r.length === 1 && r[0].status === 'DONE', 15_000, 'scheduled run');
    expect(runs[0].trigger).toBe('schedule');
    // An old date chains to the next job still in the future, not to a past-due day after it (which would replay every day since).
    expect(await t.prisma.scheduledJob.count({ where: { kind: RECONCILE_DAILY_JOB, key: addDays(date, 1) } })).toBe(0);
    const upcoming = await t.prisma.scheduledJob.findUniqueOrThrow({ where: { kind_key: { kind: RECONCILE_DAILY_JOB, key: job.upcoming() } } });
    expect(upcoming.doneAt).toBeNull();
    expect(upcoming.dueAt.getTime()).toBe(job.dueAt(job.upcoming()).getTime());
    expect(upcoming.dueAt.getTime()).toBeGreaterThan(Date.now());
    const yesterdayBill = billDateOf(new Date(Date.now() - 86_400_000));
    expect(job.dueAt(yesterdayBill).toISOString()).toBe(new Date(Date.parse(`${billDateOf(new Date())}T10:00:00+08:00`)).toISOString());
    // The job fires again (a second instance, a retry): the date already has a finished run, nothing more happens.
    await scheduler.schedule(RECONCILE_DAILY_JOB, date, new Date(Date.now() - 1000));
    await waitFor(() => t.prisma.scheduledJob.findUniqueOrThrow({ where: { kind_key: { kind: RECONCILE_DAILY_JOB, key: date } } }), (j) => j.doneAt !== null, 10_000, 'job done');
    await sleep(500);
    expect(await t.prisma.reconciliationRun.count({ where: { billDate: date } })).toBe(1);
  });

  describe('the CLI (built server/dist/reconciliation/cli.js)', () => {
    const CLI = path.resolve(__dirname, '..', '..', 'dist', 'reconciliation', 'cli.js');

    function cli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
      const env = {
        PATH: process.env.PATH ?? '',
        DATABASE_URL: process.env.DATABASE_URL!,
        REDIS_URL: process.env.REDIS_URL!,
        MIGRATE_ON_START: 'false',
        RECONCILE_DIR: reconcileDir,
        WECHAT_PAY_API_BASE: payProxy.url,
        ...wx.env,
      };
      const proc = spawn(process.execPath, [CLI, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      proc.stdout.on('data', (d) => (stdout += d));
      proc.stderr.on('data', (d) => (stderr += d));
      return new Promise((resolve) => proc.on('exit', (code) => resolve({ code, stdout, stderr })));
    }

    it('prints the summary, writes the CSV and exits 0', async () => {
      const date = freshDate();
      const [a] = await paidOrders(date, 2);
      await wx.control('/__sim/bill-faults', { alterAmount: { out_trade_no: a.outTradeNo, deltaFen: 100 } });
      setSimTime(`${addDays(date, 1)}T11:00:00+08:00`);
      const out = await cli(['--date', date]);
      expect(out.stderr).toBe('');
      expect(out.code).toBe(0);
      expect(out.stdout).toContain('金额不符');
      expect(out.stdout).toMatch(/'已匹配（支付\/退款\/转账）'\s*│\s*'1 \/ 0 \/ 0'/);
      const csvPath = /CSV: (\S+)/.exec(out.stdout)![1];
      expect(path.dirname(csvPath)).toBe(reconcileDir);
      const lines = fs.readFileSync(csvPath, 'utf8').split('\r\n');
      expect(lines[1]).toContain(`AMOUNT_MISMATCH,支付,${a.outTradeNo},20.00,21.00`);
      const run = await t.prisma.reconciliationRun.findFirstOrThrow({ where: { billDate: date } });
      expect(run).toMatchObject({ trigger: 'cli', status: 'DONE' });
    });

    it('exits 1 on a FAILED run and on a refusal, 2 with a usage message on a bad or missing date', async () => {
      const date = freshDate();
      await paidOrders(date, 1);
      billFault = { transform: (f) => Buffer.concat([f, Buffer.from('\r\n')]), keepOriginalHash: true };
      setSimTime(`${addDays(date, 1)}T11:00:00+08:00`);
      const failed = await cli(['--date', date]);
      expect(failed.code).toBe(1);
      expect(failed.stdout).toContain('reconcile/bill_hash_mismatch');

      const refused = await cli([`--date=${billDateOf(new Date())}`]);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain('reconcile/bill_not_ready');

      for (const args of [[], ['--date'], ['--date', '2024-02-30'], ['--day', '2024-01-01']]) {
        const bad = await cli(args);
        expect(bad.code).toBe(2);
        expect(bad.stderr).toMatch(/^usage: pnpm reconcile --date YYYY-MM-DD/);
      }
    });
  });
});
