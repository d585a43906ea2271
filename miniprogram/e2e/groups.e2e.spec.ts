import path from 'node:path';
import type { Page } from 'playwright-core';
import { ARTIFACTS, callApi, mintLoginCode, useSystemAndBrowser } from './system';

/**
 * A paid group in the H5 build, over the real API, WeChat Pay simulator and WebSocket: a seeded
 * SENIOR listener creates a group with the form, an operator approves it in the ops console, a
 * talker finds it in the group list, picks a term, pays at the cashier and comes back a member
 * (the 72-hour refund rule shown), then talker and owner chat in two browser contexts; the
 * owner's announcement is pinned in the talker's room at once. The membership and the 消息 tab
 * are checked at the end.
 */
describe('a paid group, end to end (owner and member in two browser contexts)', () => {
  const suite = useSystemAndBrowser();
  async function shot(page: Page, name: string) {
    await page.waitForTimeout(1600);
    await page.screenshot({ path: path.join(ARTIFACTS, `groups-${name}.png`) });
  }

  const api = <T>(method: string, route: string, token: string | null, body?: unknown) => callApi<T>(suite.system, method, route, token, body);

  /** A simulator-minted login code for a seeded listener's openid (`demo-listener-<i>`). */
  const listenerCode = (i: number) => mintLoginCode(suite.system, `demo-listener-${i}`);

  const newPage = suite.newPage;

  const tokenOf = (page: Page) =>
    page.evaluate(() => {
      const raw = window.localStorage.getItem('qingting.sessionToken') ?? '';
      try {
        return (JSON.parse(raw) as { data?: string }).data ?? raw;
      } catch {
        return raw;
      }
    });

  async function say(page: Page, text: string) {
    await page.locator('.room-input input').fill(text);
    await page.locator('.room-send').click();
  }

  it('a SENIOR listener opens a group, a talker pays to join and they chat', async () => {
    // The owner: the first seeded SENIOR listener (every sixth one is).
    let ownerIndex = -1;
    for (let i = 0; i < 12 && ownerIndex < 0; i++) {
      const { token } = await api<{ token: string }>('POST', '/api/auth/login', null, { code: await listenerCode(i) });
      const me = await api<{ listener: { tier: string; status: string } | null }>('GET', '/api/me', token);
      if (me.listener?.tier === 'SENIOR' && me.listener.status === 'ACTIVE') ownerIndex = i;
    }
    expect(ownerIndex).toBeGreaterThanOrEqual(0);
    const ownerCode = await listenerCode(ownerIndex);
    const owner = await newPage((ctx) => ctx.addInitScript((c) => window.localStorage.setItem('qingting.h5DevCode', c), ownerCode));

    // The owner creates the group with the form: two terms priced, 20 seats; it waits for review.
    await owner.goto(`${suite.system.url}/#/packages/groups/list/index`);
    await owner.locator('.group-create-open').click({ timeout: 30000 });
    await owner.waitForURL(/packages\/groups\/create\/index/, { timeout: 15000 });
    await owner.locator('.group-create-name input').fill('职场转型互助群');
    await owner.locator('.group-create-intro textarea').fill('给正在考虑换工作、转行的朋友，一起聊聊困惑，分享经验，互相打气。');
    await owner.locator('.group-create-topic[data-topic="CAREER"]').click();
    await owner.locator('.group-create-price30 input').fill('29.9');
    await owner.locator('.group-create-price365 input').fill('199');
    await owner.locator('.group-create-capacity input').fill('20');
    await owner.locator('.group-create-submit').click();
    await owner.waitForURL(/packages\/groups\/detail\/index/, { timeout: 15000 });
    await owner.locator('.group-detail[data-status="PENDING_REVIEW"][data-member="owner"]').waitFor({ timeout: 15000 });
    const groupId = (await owner.locator('.group-detail').getAttribute('data-id'))!;
    expect(groupId).toBeTruthy();
    await shot(owner, 'owner-pending');

    // An operator approves it in the ops console.
    const ops = await newPage(undefined, { width: 1280, height: 800 });
    await ops.goto(`${suite.system.url}/#/packages/ops/index`);
    await ops.locator('.ops-login').click({ timeout: 30000 });
    await ops.locator('.ops-nav-groups').click({ timeout: 15000 });
    await ops.locator(`.ops-group-item[data-id="${groupId}"]`).click({ timeout: 15000 });
    await ops.locator('.ops-group-detail[data-status="PENDING_REVIEW"]').waitFor({ timeout: 15000 });
    expect(await ops.locator('.ops-group-detail').innerText()).toContain('30 天 ¥29.90，365 天 ¥199.00');
    await ops.locator('.ops-group-approve').click();
    await ops.locator('.ops-group-detail[data-status="OPEN"]').waitFor({ timeout: 15000 });
    await shot(ops, 'ops-approved');

    // The talker finds it in the list, sees the terms, seats and the refund rule, picks 30 days.
    const talker = await newPage();
    await talker.goto(`${suite.system.url}/#/packages/groups/list/index`);
    await talker.locator('.groups-topic-filter[data-topic="CAREER"]').click({ timeout: 30000 });
    await talker.locator(`.group-item[data-id="${groupId}"]`).click({ timeout: 15000 });
    await talker.locator('.group-detail[data-status="OPEN"][data-member="none"]').waitFor({ timeout: 15000 });
    expect(await talker.locator('.group-seats').innerText()).toBe('0/20 人 · 剩余 20 个名额');
    expect(await talker.locator('.group-term-option').count()).toBe(2);
    expect(await talker.locator('.group-refund-rule').innerText()).toBe('加入后 72 小时内退出可全额退款，超过 72 小时退出不退款。');
    await talker.locator('.group-term-option[data-term="30"]').click();
    expect(await talker.locator('.group-join-pay').innerText()).toBe('支付 ¥29.90 加入');
    await shot(talker, 'talker-checkout');

    // Pays at the simulator's cashier and comes back to the group as a member.
    await talker.locator('.group-join-pay').click();
    await talker.waitForURL(/\/__sim\/cashier/, { timeout: 15000 });
    await talker.getByRole('button', { name: '确认支付' }).click({ timeout: 15000 });
    await talker.waitForURL(/packages\/groups\/detail\/index/, { timeout: 15000 });
    await talker.locator('.group-detail[data-member="active"]').waitFor({ timeout: 20000 });
    expect(await talker.locator('.group-refund-window').innerText()).toMatch(/^现在退出可全额退款（退款截止 .+，还剩 (2 天 23 小时|3 天)）。$/);
    expect(await talker.locator('.group-seats').innerText()).toBe('1/20 人 · 剩余 19 个名额');
    await shot(talker, 'talker-member');

    // Both in the group chat: the owner from the detail page, the talker from hers.
    await owner.reload();
    await owner.locator('.group-detail[data-status="OPEN"] .group-enter').click({ timeout: 15000 });
    await owner.waitForURL(/packages\/groups\/room\/index/, { timeout: 15000 });
    await talker.locator('.group-enter').click();
    await talker.waitForURL(/packages\/groups\/room\/index/, { timeout: 15000 });
    await talker.locator('.room-connection').waitFor({ state: 'detached', timeout: 15000 });
    await owner.locator('.room-connection').waitFor({ state: 'detached', timeout: 15000 });

    await say(talker, '大家好，我最近在考虑转行，有点迷茫');
    const atOwner = owner.locator('.chat-line--peer', { hasText: '有点迷茫' });
    await atOwner.waitFor({ timeout: 10000 });
    const talkerAlias = await atOwner.locator('.chat-alias').innerText();
    expect(talkerAlias.length).toBeGreaterThan(0);
    await say(owner, '欢迎！慢慢说，我们都经历过');
    const atTalker = talker.locator('.chat-line--peer', { hasText: '我们都经历过' });
    await atTalker.waitFor({ timeout: 10000 });
    expect(await atTalker.locator('.chat-owner').innerText()).toBe('群主');
    // A phone number is masked in groups too.
    await say(talker, '加我微信聊，电话13812345678');
    const masked = owner.locator('.chat-line--peer', { hasText: '加我微信聊' });
    await masked.waitFor({ timeout: 10000 });
    expect(await masked.innerText()).not.toContain('13812345678');
    // Each message once on each side.
    expect(await talker.locator('.chat-line--me').count()).toBe(2);
    expect(await owner.locator('.chat-line--peer').count()).toBe(2);
    await shot(talker, 'talker-chat');
    await shot(owner, 'owner-chat');

    // The owner pins an announcement from the management page; the talker's room shows it live.
    const manage = await owner.context().newPage();
    await manage.goto(`${suite.system.url}/#/packages/groups/manage/index?id=${encodeURIComponent(groupId)}`);
    await manage.locator(`.group-member-item[data-status="ACTIVE"]`, { hasText: talkerAlias }).waitFor({ timeout: 15000 });
    await manage.locator('.group-announcement-input textarea').fill('每周三晚八点语音分享，欢迎参加');
    await manage.locator('.group-announcement-save').click();
    await manage.locator('.group-notice', { hasText: '公告已更新' }).waitFor({ timeout: 15000 });
    await talker.locator('.group-room-announcement', { hasText: '每周三晚八点语音分享' }).waitFor({ timeout: 10000 });
    await talker.locator('.chat-line--system', { hasText: '每周三晚八点语音分享' }).waitFor({ timeout: 10000 });
    await shot(manage, 'owner-manage');
    await shot(talker, 'talker-announcement');

    // Through the API: an active 30-day membership on a paid order; the 消息 tab lists the group.
    const talkerToken = await tokenOf(talker);
    type Membership = { status: string; orderId: string; joinedAt: string; endsAt: string; refundableUntil: string };
    const view = await api<{ seatsTaken: number; myMembership: Membership }>('GET', `/api/groups/${groupId}`, talkerToken);
    expect(view.seatsTaken).toBe(1);
    expect(view.myMembership.status).toBe('ACTIVE');
    const days = (Date.parse(view.myMembership.endsAt) - Date.parse(view.myMembership.joinedAt)) / 86_400_000;
    expect(Math.round(days)).toBe(30);
    expect(Date.parse(view.myMembership.refundableUntil) - Date.parse(view.myMembership.joinedAt)).toBe(72 * 3600_000);
    const order = await api<{ kind: string; status: string; totalFen: number }>('GET', `/api/orders/${view.myMembership.orderId}`, talkerToken);
    expect(order).toMatchObject({ kind: 'GROUP_MEMBERSHIP', totalFen: 2990 });
    expect(order.status).not.toBe('PENDING_PAYMENT');
    await talker.goto(`${suite.system.url}/#/pages/messages/index`);
    await talker.locator(`.my-group-item[data-id="${groupId}"]`).waitFor({ timeout: 15000 });
    await shot(talker, 'messages-tab');
  }, 180000);
});
