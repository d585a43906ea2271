import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { DEMO_OPERATOR_OPENID, openDatabase, type Database } from '@qingting/prisma';
import type { Page } from 'playwright-core';
import { ARTIFACTS, callApi, mintLoginCode, useSystemAndBrowser } from './system';

/**
 * A listener with withdrawable earnings withdraws in the H5 build: 我的收益 shows the balances,
 * 提现 → the confirmation sheet standing in for WeChat's (确认收款) → the simulator's transfer
 * confirmation → the page shows the payout arrived. The earnings come from a real order (paid at
 * the simulator, accepted); the hold that the sessions module creates when a session ends is
 * written straight into the system's database with its release due now, and the server's own
 * scheduler releases it.
 */
describe('earnings and withdrawal, end to end (Chromium + the WeChat simulator)', () => {
  const suite = useSystemAndBrowser();
  let db: Database | undefined;

  afterAll(async () => {
    await db?.close();
  });

  const shot = (page: Page, name: string) => page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`) });

  const api = <T>(method: string, route: string, token: string | null, body?: unknown) => callApi<T>(suite.system, method, route, token, body);

  const mintCode = (openid: string) => mintLoginCode(suite.system, openid);

  async function loginAs(openid: string): Promise<string> {
    return (await api<{ token: string }>('POST', '/api/auth/login', null, { code: await mintCode(openid) })).token;
  }

  async function waitFor<T>(read: () => Promise<T>, ok: (v: T) => boolean, what: string, timeoutMs = 20000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const v = await read();
      if (ok(v)) return v;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(v)}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  it('a listener sees held and withdrawable earnings, withdraws, confirms the transfer and sees it arrive', async () => {
    // A seeded listener offering text, online now (no working hours, toggle on, heartbeat).
    let listener: { id: string; openid: string; token: string; price: number } | null = null;
    for (let i = 20; i < 40 && !listener; i++) {
      const openid = `demo-listener-${i}`;
      const token = await loginAs(openid);
      const wb = await api<{ id: string; prices: { TEXT?: number }; status: string }>('GET', '/api/workbench', token);
      if (wb.status === 'ACTIVE' && typeof wb.prices.TEXT === 'number') listener = { id: wb.id, openid, token, price: wb.prices.TEXT };
    }
    expect(listener).not.toBeNull();
    const L = listener!;
    await api('PUT', '/api/workbench/hours', L.token, { hours: [] });
    await api('PUT', '/api/workbench/online', L.token, { online: true });
    await api('POST', '/api/workbench/heartbeat', L.token, {});

    // A talker of this run pays a 2-unit order at the simulator; the listener accepts.
    const talkerOpenid = `e2e-earnings-${randomUUID()}`;
    const talker = await loginAs(talkerOpenid);
    const order = await api<{ id: string; outTradeNo: string; totalFen: number }>('POST', '/api/orders', talker, { listenerId: L.id, serviceType: 'TEXT', units: 2 });
    await api('POST', `/api/orders/${order.id}/pay`, talker, {});
    const paid = await fetch(`${suite.system.simUrl}/__sim/pay/${order.outTradeNo}/confirm`, { method: 'POST' });
    expect([paid.status, await paid.text()]).toEqual([200, expect.stringContaining('SUCCESS')]);
    // As the detail page does after the cashier (the system's notify URL names port 0, so notifications do not arrive).
    await waitFor(() => api<{ status: string }>('POST', `/api/orders/${order.id}/sync`, talker, {}), (o) => o.status === 'PAID', 'order paid');
    await api('POST', `/api/orders/${order.id}/accept`, L.token, {});
    const before = await api<{ heldFen: number; withdrawableFen: number }>('GET', '/api/earnings', L.token);
    expect(before.heldFen).toBeGreaterThan(0);

    // The session is over and so is its dispute window: the hold, due now (what EarningsService.holdUntil writes).
    db = await openDatabase({ kind: 'postgres', url: suite.system.databaseUrl });
    await db.sql.transaction(async (tx) => {
      await tx.query('INSERT INTO earning_holds (order_id, listener_id, release_at) VALUES ($1::uuid, $2::uuid, now())', [order.id, L.id]);
      await tx.query(`INSERT INTO scheduled_jobs (id, kind, key, due_at) VALUES ($1::uuid, 'earnings.release', $2, now())`, [randomUUID(), order.id]);
    });
    const released = await waitFor(() => api<{ heldFen: number; withdrawableFen: number }>('GET', '/api/earnings', L.token), (e) => e.withdrawableFen > 0, 'earnings released');
    const share = released.withdrawableFen;
    expect(released.heldFen).toBe(before.heldFen - share);
    const yuan = (fen: number) => `¥${Math.floor(fen / 100)}.${String(fen % 100).padStart(2, '0')}`;

    // The listener, in the browser: 我的收益 from the workbench.
    const context = await suite.browser.newContext({ viewport: { width: 414, height: 896 } });
    await context.addInitScript((c) => window.localStorage.setItem('qingting.h5DevCode', c), await mintCode(L.openid));
    const page = await context.newPage();
    await page.goto(`${suite.system.url}/#/packages/workbench/index`);
    await page.locator('.workbench-earnings').click({ timeout: 30000 });
    const withdrawable = page.locator('.earnings-withdrawable');
    await withdrawable.waitFor({ timeout: 20000 });
    expect(await withdrawable.innerText()).toContain(yuan(share));
    await page.locator('.earnings-movement[data-kind="RELEASE"]').waitFor();
    await page.locator('.earnings-movement[data-kind="EARNING"]').waitFor();
    await page.waitForTimeout(500); // the page's slide-in
    await shot(page, 'earnings-page');

    // Below the minimum: refused in the form, nothing sent.
    // Taro renders <Input> as a host element around the native control.
    await page.locator('.earnings-amount-input input, input.earnings-amount-input').first().fill('5');
    await page.locator('.earnings-withdraw').click();
    expect(await page.locator('.earnings-notice').innerText()).toContain('每次至少提现 ¥10.00');

    // 全部, 提现, then WeChat's confirmation (the simulator's, in H5): 确认收款.
    await page.locator('.earnings-all').click();
    await page.locator('.earnings-withdraw').click();
    // Taro's H5 modal: its root has no box of its own, the content is fixed-positioned.
    const sheet = page.locator('.taro-modal__content');
    await sheet.waitFor({ timeout: 15000 });
    expect(await sheet.innerText()).toContain(yuan(share));
    await shot(page, 'earnings-confirm-transfer');
    await sheet.locator('.taro-model__confirm').click();

    await page.locator('.earnings-movement[data-kind="PAYOUT_PAID"]').waitFor({ timeout: 20000 });
    expect(await page.locator('.earnings-notice').innerText()).toContain('提现成功，已转入微信零钱');
    await sheet.waitFor({ state: 'hidden' });
    expect(await withdrawable.innerText()).toContain('¥0.00');
    expect(await page.locator('.earnings-pending').innerText()).toContain('¥0.00');
    await page.locator('.earnings-form').waitFor();
    await shot(page, 'earnings-paid-out');

    const after = await api<{ withdrawableFen: number; pendingPayoutFen: number; paidOutFen: number }>('GET', '/api/earnings', L.token);
    expect(after).toMatchObject({ withdrawableFen: 0, pendingPayoutFen: 0, paidOutFen: share });
    // The ledger still balances (the seeded operator holds the finance role).
    expect(await api<{ ok: boolean }>('GET', '/api/ops/ledger/check', await loginAs(DEMO_OPERATOR_OPENID))).toMatchObject({ ok: true });

    // Finance finds the payout in the ops console, with its ledger lines.
    const operator = await (await suite.browser.newContext({ viewport: { width: 1280, height: 860 } })).newPage();
    await operator.goto(`${suite.system.url}/ops`);
    await operator.locator('.ops-login').click();
    await operator.locator('.ops-nav-payouts').click();
    await operator.locator('.ops-payouts-filter[data-status="SUCCESS"]').click();
    const item = operator.locator('.ops-payout-item[data-status="SUCCESS"]', { hasText: yuan(share) }).first();
    await item.waitFor({ timeout: 15000 });
    await item.click();
    await operator.locator('.ops-payout-detail[data-status="SUCCESS"]').waitFor({ timeout: 15000 });
    expect(await operator.locator('.ops-payout-ledger-line').count()).toBe(4);
    await shot(operator, 'ops-payout-detail');
  }, 150000);
});
