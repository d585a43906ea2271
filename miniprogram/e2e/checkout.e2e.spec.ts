import path from 'node:path';
import type { Page } from 'playwright-core';
import { ARTIFACTS, callApi, mintLoginCode, onlineSeededListener, type OnlineListener, useSystemAndBrowser } from './system';

/**
 * A talker buys a 2-unit text session in the H5 build: listener profile → 立即倾诉 → order
 * creation → the WeChat simulator's cashier (确认支付) → back on the order detail, which syncs
 * with the server and shows 已支付/待接单. The listener (a seeded one, made "online now" through
 * the API: a simulator login code for its openid, the workbench toggle and a heartbeat) then
 * accepts in its own browser context from the workbench, and the talker sees 已接单.
 */
describe('checkout, end to end (Chromium + the WeChat simulator cashier)', () => {
  const suite = useSystemAndBrowser();
  let listener: OnlineListener | undefined;

  afterAll(() => listener?.stop());

  const shot = (page: Page, name: string) => page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`) });

  const api = <T>(method: string, route: string, token: string | null, body?: unknown) => callApi<T>(suite.system, method, route, token, body);

  it('a talker orders 2 units from an online listener, pays at the cashier and sees the order paid, then accepted', async () => {
    // The listener: seeded, offering text, made online now (no working-hours limit, toggle on, heartbeat).
    listener = await onlineSeededListener(suite.system);
    const L = listener;
    const unitPrice = L.unitPriceFen;
    const profile = await api<{ online: boolean }>('GET', `/api/listeners/${L.id}`, null);
    expect(profile.online).toBe(true);

    // The talker, in the browser: profile → 立即倾诉.
    const page = await suite.newPage();
    await page.goto(`${suite.system.url}/#/packages/listener/profile/index?id=${encodeURIComponent(L.id)}`);
    await page.locator('.order-entry').waitFor({ timeout: 30000 });
    await page.locator('.order-entry').click();

    // Order creation: text, 2 units, the estimate, 去支付.
    await page.locator('.order-create-submit').waitFor({ timeout: 15000 });
    await page.locator('.order-service-TEXT').click();
    await page.locator('.order-units-plus').click();
    await page.locator('.order-units', { hasText: '2' }).waitFor();
    const yuan = (fen: number) => `¥${Math.floor(fen / 100)}.${String(fen % 100).padStart(2, '0')}`;
    expect(await page.locator('.order-subtotal').innerText()).toContain(`${yuan(unitPrice)} × 2 = ${yuan(unitPrice * 2)}`);
    await shot(page, 'checkout-create');
    await page.locator('.order-create-submit').click();

    // The simulator's cashier page (another origin), then back.
    await page.waitForURL(/\/__sim\/cashier/, { timeout: 15000 });
    await page.getByRole('button', { name: '确认支付' }).waitFor({ timeout: 15000 });
    await shot(page, 'checkout-cashier');
    await page.getByRole('button', { name: '确认支付' }).click();

    await page.waitForURL(/packages\/order\/detail\/index/, { timeout: 15000 });
    const paid = page.locator('.order-status[data-status="PAID"]');
    await paid.waitFor({ timeout: 20000 });
    expect(await paid.innerText()).toContain('已支付/待接单');
    expect(await page.locator('.order-total').innerText()).toContain(yuan(unitPrice * 2));
    // The cashier's `result` was consumed: a reload does not sync again and still shows the order.
    expect(page.url()).not.toContain('result=');
    await shot(page, 'checkout-paid');

    // The listener sees it among the incoming orders and accepts (through the API here).
    const incoming = await api<{ items: { id: string; units: number; totalFen: number; status: string }[] }>('GET', '/api/orders?role=listener&status=PAID', L.token);
    const order = incoming.items.find((o) => o.units === 2 && o.totalFen === unitPrice * 2);
    expect(order).toBeDefined();

    // The listener, in a second browser context, accepts from the workbench. Its h5 login code is a
    // simulator-minted one for the seeded listener's openid, handed to the page's login adapter.
    const code = await mintLoginCode(suite.system, `demo-listener-${L.index}`);
    const workbench = await suite.newPage((ctx) => ctx.addInitScript((c) => window.localStorage.setItem('qingting.h5DevCode', c), code));
    await workbench.goto(`${suite.system.url}/#/packages/workbench/index`);
    const incomingCard = workbench.locator('.incoming-order').first();
    await incomingCard.waitFor({ timeout: 30000 });
    await shot(workbench, 'checkout-listener-incoming');
    await incomingCard.locator('.incoming-accept').click();
    await workbench.locator('.incoming-order').first().waitFor({ state: 'detached', timeout: 15000 });

    await page.reload();
    await page.locator('.order-status[data-status="ACCEPTED"]').waitFor({ timeout: 15000 });
    await page.locator('.order-history__item[data-to="PAID"]').waitFor();
    await shot(page, 'checkout-accepted');

    // 我的订单 on the 消息 tab lists it.
    await page.goto(`${suite.system.url}/#/pages/messages/index`);
    const item = page.locator(`.order-item[data-id="${order!.id}"]`);
    await item.waitFor({ timeout: 15000 });
    expect(await item.locator('.order-status').getAttribute('data-status')).toBe('ACCEPTED');
    await shot(page, 'checkout-my-orders');
  }, 120000);

  it('a talker buys an hour-long topic package at the cashier and, once the listener accepts it, spends 15 minutes of it without paying again', async () => {
    listener ??= await onlineSeededListener(suite.system);
    const L = listener;
    // The listener puts an hour on sale from the workbench form (first topic, text, 60 minutes).
    const priceFen = 4 * L.unitPriceFen - 100;
    const code = await mintLoginCode(suite.system, `demo-listener-${L.index}`);
    const bench = await suite.newPage((ctx) => ctx.addInitScript((c) => window.localStorage.setItem('qingting.h5DevCode', c), code));
    await bench.goto(`${suite.system.url}/#/packages/workbench/index`);
    await bench.locator('.package-price input').fill(String(priceFen / 100), { timeout: 30000 });
    await bench.locator('.package-offer').click();
    await bench.locator('.workbench-notice', { hasText: '套餐已上架' }).waitFor({ timeout: 15000 });
    await shot(bench, 'checkout-package-offer');
    const mine = await api<{ id: string; priceFen: number; minutes: number }[]>('GET', '/api/workbench/packages', L.token);
    const offered = mine.find((p) => p.priceFen === priceFen && p.minutes === 60)!;
    expect(offered).toBeDefined();
    await bench.locator(`.package-item[data-id="${offered.id}"]`).waitFor({ timeout: 15000 });

    const page = await suite.newPage();
    await page.goto(`${suite.system.url}/#/packages/order/create/index?listenerId=${encodeURIComponent(L.id)}`);
    await page.locator(`.order-package[data-id="${offered.id}"]`).click({ timeout: 30000 });
    await page.locator('.order-create-submit').click();
    await page.waitForURL(/\/__sim\/cashier/, { timeout: 15000 });
    await page.getByRole('button', { name: '确认支付' }).click({ timeout: 15000 });
    await page.waitForURL(/packages\/order\/detail\/index/, { timeout: 15000 });
    await page.locator('.order-status[data-status="PAID"]').waitFor({ timeout: 20000 });
    const packageOrderId = new URL(page.url().replace('/#/', '/')).searchParams.get('id')!;
    await api('POST', `/api/orders/${packageOrderId}/accept`, L.token);

    // The package's detail shows its minutes and offers them; the order page pays with them.
    await page.reload();
    expect(await page.locator('.order-balance-left').innerText({ timeout: 15000 })).toBe('60 / 60 分钟');
    await page.locator('.order-use-package').click({ timeout: 15000 });
    await page.locator('.order-balance').first().click({ timeout: 15000 });
    expect(await page.locator('.order-balance-use').innerText()).toContain('15 分钟（剩余 60 分钟）');
    expect(await page.locator('.order-create-submit').innerText()).toContain('用套餐时长下单');
    await shot(page, 'checkout-package-spend');
    await page.locator('.order-create-submit').click();

    await page.waitForURL(/packages\/order\/detail\/index/, { timeout: 15000 });
    await page.locator('.order-status[data-status="PAID"]').waitFor({ timeout: 15000 });
    expect(await page.locator('.order-amounts:visible').innerText()).toContain('套餐时长支付');
    expect(page.url()).not.toContain(packageOrderId);
    await shot(page, 'checkout-package-paid');
    const balances = await page.evaluate(async () => {
      const raw = window.localStorage.getItem('qingting.sessionToken') ?? '';
      const token = (() => { try { return (JSON.parse(raw) as { data?: string }).data ?? raw } catch { return raw } })();
      return (await fetch('/api/orders/packages', { headers: { authorization: `Bearer ${token}` } })).json() as Promise<{ orderId: string; minutesLeft: number }[]>;
    });
    expect(balances.find((b) => b.orderId === packageOrderId)?.minutesLeft).toBe(45);
  }, 120000);
});
