import path from 'node:path';
import type { Page } from 'playwright-core';
import { ARTIFACTS, callApi, mintLoginCode, onlineSeededListener, type OnlineListener, useSystemAndBrowser } from './system';

/**
 * A timed text session in the H5 build, talker and listener in two browser contexts over the
 * real WebSocket: the talker buys 2 units at the simulator's cashier, the listener accepts on the
 * workbench, both enter the room (the clock starts when both are in), they chat both ways (a
 * phone number arrives masked, the sender sees 已读, the listener sees 正在输入);
 * a crisis word brings the talker the care card and the listener the guidance; the talker
 * reports the listener (the reports queue has it); the talker ends
 * early and sees the summary (one unit charged, one refunded), writes a review; the order and
 * the session are then checked through the API.
 */
describe('a timed session, end to end (two browser contexts, WebSocket chat)', () => {
  const suite = useSystemAndBrowser();
  let listener: OnlineListener | undefined;

  afterAll(() => listener?.stop());

  /** After the page transition and any toast have finished, so the picture shows the page. */
  async function shot(page: Page, name: string) {
    await page.waitForTimeout(1600);
    await page.screenshot({ path: path.join(ARTIFACTS, `session-${name}.png`) });
  }

  const api = <T>(method: string, route: string, token: string | null, body?: unknown) => callApi<T>(suite.system, method, route, token, body);

  /** A simulator-minted login code for a seeded listener's openid (`demo-listener-<i>`). */
  const listenerCode = (i: number) => mintLoginCode(suite.system, `demo-listener-${i}`);

  const newPage = suite.newPage;

  /** Types into the room's input (Taro wraps the native control) and sends. */
  async function say(page: Page, text: string) {
    await page.locator('.room-input input').fill(text);
    await page.locator('.room-send').click();
  }

  const peerLine = (page: Page, text: string) => page.locator('.chat-line--peer .chat-text', { hasText: text });

  it('talker and listener chat in real time; the talker ends early, sees the summary and reviews', async () => {
    // The listener: a seeded one offering text, made online now through the API.
    listener = await onlineSeededListener(suite.system);
    const L = listener;
    const unitPrice = L.unitPriceFen;
    const listenerToken = L.token;

    // The talker buys 2 text units: profile → 立即倾诉 → 去支付 → the cashier → back on the order.
    const talker = await newPage();
    await talker.goto(`${suite.system.url}/#/packages/listener/profile/index?id=${encodeURIComponent(L.id)}`);
    await talker.locator('.order-entry').click({ timeout: 30000 });
    await talker.locator('.order-create-submit').waitFor({ timeout: 15000 });
    await talker.locator('.order-service-TEXT').click();
    await talker.locator('.order-units-plus').click();
    await talker.locator('.order-units', { hasText: '2' }).waitFor();
    await talker.locator('.order-create-submit').click();
    await talker.waitForURL(/\/__sim\/cashier/, { timeout: 15000 });
    await talker.getByRole('button', { name: '确认支付' }).click({ timeout: 15000 });
    await talker.waitForURL(/packages\/order\/detail\/index/, { timeout: 15000 });
    await talker.locator('.order-status[data-status="PAID"]').waitFor({ timeout: 20000 });
    const orderId = await talker.locator('.order-detail').getAttribute('data-id');
    expect(orderId).toBeTruthy();
    // Taro's H5 storage keeps `{ data }` JSON in localStorage.
    const talkerToken = await talker.evaluate(() => {
      const raw = window.localStorage.getItem('qingting.sessionToken') ?? '';
      try {
        return (JSON.parse(raw) as { data?: string }).data ?? raw;
      } catch {
        return raw;
      }
    });
    expect(talkerToken).toBeTruthy();

    // The listener accepts on the workbench and goes straight into the room.
    const code = await listenerCode(L.index);
    const lis = await newPage((ctx) => ctx.addInitScript((c) => window.localStorage.setItem('qingting.h5DevCode', c), code));
    await lis.goto(`${suite.system.url}/#/packages/workbench/index`);
    const card = lis.locator(`.incoming-order[data-id="${orderId}"]`);
    await card.waitFor({ timeout: 30000 });
    await card.locator('.incoming-accept').click();
    await lis.locator('.incoming-enter-room').click({ timeout: 15000 });
    await lis.waitForURL(/packages\/session\/room\/index/, { timeout: 15000 });
    // Alone in the room: waiting for the talker.
    await lis.locator('.room[data-status="WAITING"] .room-waiting', { hasText: '等待对方进入' }).waitFor({ timeout: 15000 });
    expect(await lis.locator('.room-retention').innerText()).toContain('平台不保留聊天记录');
    await shot(lis, 'listener-waiting');

    // The talker sees the order accepted and enters the room from the order: the clock starts.
    await talker.reload();
    await talker.locator('.order-status[data-status="ACCEPTED"]').waitFor({ timeout: 15000 });
    await talker.locator('.order-enter-room').click();
    await talker.waitForURL(/packages\/session\/room\/index/, { timeout: 15000 });
    await talker.locator('.room[data-status="ACTIVE"][data-role="talker"]').waitFor({ timeout: 15000 });
    // The listener learns of the start over the socket (no reload).
    await lis.locator('.room[data-status="ACTIVE"][data-role="listener"]').waitFor({ timeout: 15000 });
    const left = Number(await talker.locator('.room-countdown').getAttribute('data-ms'));
    expect(left).toBeGreaterThan(29 * 60_000);
    // On the server's clock as measured over the socket: within a second of the paid 30 minutes.
    expect(left).toBeLessThanOrEqual(30 * 60_000 + 1000);
    expect(await talker.locator('.room-countdown__value').innerText()).toMatch(/^(30:00|29:[0-5]\d)$/);
    await talker.locator('.room-connection').waitFor({ state: 'detached', timeout: 15000 });
    await lis.locator('.room-connection').waitFor({ state: 'detached', timeout: 15000 });

    // Both ways, in real time; the listener sees the talker typing first.
    await talker.locator('.room-input input').fill('你好');
    await lis.locator('.room-typing').waitFor({ timeout: 10000 });
    await say(talker, '你好，我最近工作压力很大，晚上总是睡不着😔');
    await peerLine(lis, '晚上总是睡不着').waitFor({ timeout: 10000 });
    await say(lis, '我在，慢慢说，我听着');
    await peerLine(talker, '我在，慢慢说').waitFor({ timeout: 10000 });
    // The listener's room is on screen: the talker's message shows 已读.
    await talker.locator('.chat-line--me[data-mark="已读"]', { hasText: '晚上总是睡不着' }).waitFor({ timeout: 10000 });

    // A phone number never reaches the other side.
    await say(talker, '方便的话加我，电话13812345678');
    const masked = peerLine(lis, '方便的话加我');
    await masked.waitFor({ timeout: 10000 });
    expect(await masked.innerText()).toContain('【已隐藏】');
    expect(await masked.innerText()).not.toContain('13812345678');
    expect(await lis.locator('.chat-note', { hasText: '联系方式已隐藏' }).count()).toBe(1);
    // Nothing doubled: each message once on each side.
    expect(await talker.locator('.chat-line--me').count()).toBe(2);
    expect(await lis.locator('.chat-line--peer').count()).toBe(2);
    await shot(talker, 'talker-chat');
    await shot(lis, 'listener-chat');

    // A crisis word: the talker gets the care card with the hotlines, the listener the guidance.
    await say(talker, '有时候真的觉得不想活了');
    await talker.locator('.care-card .care-hotline', { hasText: '400-161-9995' }).waitFor({ timeout: 10000 });
    await lis.locator('.care-guidance', { hasText: '对方可能正处于危机中' }).waitFor({ timeout: 10000 });
    await shot(talker, 'talker-care-card');
    await shot(lis, 'listener-guidance');
    await talker.locator('.care-card .room-sheet__close').click();
    await lis.locator('.care-guidance .room-sheet__close').click();

    // The crisis queue of the ops console has it (minimal facts: the term, not the message); an operator handles it.
    const opsPage = await newPage(undefined, { width: 1280, height: 800 });
    await opsPage.goto(`${suite.system.url}/#/packages/ops/index`);
    await opsPage.locator('.ops-login').click({ timeout: 30000 });
    await opsPage.locator('.ops-nav-crisis').click({ timeout: 15000 });
    const alert = opsPage.locator('.ops-crisis-item[data-status="OPEN"]', { hasText: '不想活了' }).first();
    await alert.waitFor({ timeout: 15000 });
    expect(await alert.innerText()).not.toContain('有时候真的觉得');
    await shot(opsPage, 'ops-crisis-queue');
    await alert.locator('.ops-crisis-note input').fill('已在会话中提供热线，倾听者在线陪伴');
    await alert.locator('.ops-crisis-handled').click();
    await opsPage.locator('.ops-crisis-item[data-status="HANDLED"]').first().waitFor({ timeout: 15000 });

    // The talker reports the listener: without a reason the sheet says so; with one it is sent and the room says so.
    await talker.locator('.room-report-open').click();
    await talker.locator('.report-submit').click();
    await talker.locator('.report-sheet .room-error', { hasText: '请选择举报原因' }).waitFor({ timeout: 10000 });
    await talker.locator('.report-reason', { hasText: '索要联系方式' }).click();
    await talker.locator('.report-detail textarea').fill('对方让我加微信');
    await talker.locator('.report-submit').click();
    await talker.locator('.report-sheet').waitFor({ state: 'detached', timeout: 10000 });
    await talker.locator('.room-notice', { hasText: '举报已提交' }).waitFor({ timeout: 10000 });
    // The reports queue of the ops console has it.
    await opsPage.locator('.ops-nav-reports').click();
    await opsPage.locator('.ops-report-item[data-status="OPEN"]', { hasText: '对方让我加微信' }).first().waitFor({ timeout: 15000 });

    // The talker ends early: one 15-minute unit charged, the other refunded.
    await talker.locator('.room-end').click();
    await talker.locator('.end-confirm').click();
    await talker.locator('.room[data-status="ENDED"] .room-ended').waitFor({ timeout: 15000 });
    expect(await talker.locator('.room-ended__title').innerText()).toContain('倾诉者提前结束了会话');
    const yuan = (fen: number) => `¥${Math.floor(fen / 100)}.${String(fen % 100).padStart(2, '0')}`;
    expect(await talker.locator('.room-summary-charged').innerText()).toContain(yuan(unitPrice));
    // The unused unit goes back through WeChat Pay; the summary says so until the refund lands.
    expect(await talker.locator('.room-summary-refund').innerText()).toMatch(new RegExp(`^退款\\s*\\${yuan(unitPrice)}（(退款处理中，将原路退回|已原路退回)）$`));
    await lis.locator('.room[data-status="ENDED"] .room-ended').waitFor({ timeout: 15000 });
    await shot(talker, 'talker-summary');
    await shot(lis, 'listener-ended');

    // The review: 4 stars, two tags, a few words.
    await talker.locator('.room-review').click();
    await talker.waitForURL(/packages\/session\/review\/index/, { timeout: 15000 });
    await talker.locator('.review-star[data-star="4"]').click();
    await talker.locator('.review-tag', { hasText: '耐心倾听' }).click();
    await talker.locator('.review-tag', { hasText: '温暖治愈' }).click();
    await talker.locator('.review-text textarea').fill('聊完轻松了很多，谢谢你。');
    await talker.locator('.review-submit').click();
    await talker.locator('.review-done').waitFor({ timeout: 15000 });
    await shot(talker, 'review-done');

    // The final state through the API.
    const session = await api<{ status: string; endReason: string; chargedFen: number; reviewed: boolean; disputable: boolean; usedSeconds: number }>('GET', `/api/sessions/by-order/${orderId}`, talkerToken);
    expect(session).toMatchObject({ status: 'ENDED', endReason: 'TALKER_ENDED', chargedFen: unitPrice, reviewed: true, disputable: true });
    expect(session.usedSeconds).toBeLessThan(15 * 60);
    // The unused unit is refunded automatically: WeChat Pay's refund notification completes it.
    type OrderView = { status: string; totalFen: number; refundedFen: number; transitions: { from: string | null; to: string; reason: string | null }[] };
    let order = await api<OrderView>('GET', `/api/orders/${orderId}`, talkerToken);
    for (const deadline = Date.now() + 20000; order.status !== 'PARTIALLY_REFUNDED' && Date.now() < deadline; ) {
      await new Promise((r) => setTimeout(r, 300));
      order = await api<OrderView>('GET', `/api/orders/${orderId}`, talkerToken);
    }
    expect(order).toMatchObject({ status: 'PARTIALLY_REFUNDED', totalFen: unitPrice * 2, refundedFen: unitPrice });
    expect(order.transitions.map((t) => t.to)).toEqual(['PENDING_PAYMENT', 'PAID', 'ACCEPTED', 'IN_SESSION', 'COMPLETED', 'REFUNDING', 'PARTIALLY_REFUNDED']);
    expect(order.transitions[5].reason).toContain(`退款 ${unitPrice} 分`);

    // The 消息 tab lists it among past sessions.
    await talker.goto(`${suite.system.url}/#/pages/messages/index`);
    await talker.locator('.session-past .session-item[data-status="ENDED"]').first().waitFor({ timeout: 15000 });
    await shot(talker, 'messages-tab');
  }, 180000);
});
