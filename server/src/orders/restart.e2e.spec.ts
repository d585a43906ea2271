import { loginAs } from '../../test/auth';
import { createOrder, ledgerCheck, listenerWithSession, post, waitForStatus } from '../../test/orders';
import { startTestApp, TestApp } from '../../test/test-app';
import { startTestSimulator, TestSimulator } from '../../test/wechat';

describe('kill the server between prepay and notification (e2e)', () => {
  let wx: TestSimulator;
  let second: TestApp | undefined;

  beforeAll(async () => {
    // Retries slow enough to span a restart.
    wx = await startTestSimulator({ retryDelaysMs: [300, 600, 1000, 2000, 3000, 5000, 5000, 5000, 5000, 5000] });
  });
  afterAll(async () => {
    await second?.close();
    await wx?.close();
  });

  it('ends PAID on a new instance that the notification retries reach', async () => {
    const first = await startTestApp(wx.env);
    const talker = await loginAs(first);
    const listener = await listenerWithSession(first);
    const { body: order } = await createOrder(first, talker.headers, { listenerId: listener.user.id, serviceType: 'TEXT', units: 1 });
    expect((await post(first, `/api/orders/${order.id}/pay`, talker.headers)).status).toBe(200);
    const port = first.config.PORT;
    await first.close();

    await wx.control(`/__sim/pay/${order.outTradeNo}/confirm`);
    type Sent = { subject: string; deliveries: { ok: boolean }[] };
    const deliveries = async () => ((await (await fetch(`${wx.sim.url}/__sim/notifications`)).json()) as Sent[]).find((n) => n.subject === order.outTradeNo)?.deliveries ?? [];
    // The notification must have hit the dead server first; only then does the new one start.
    const until = Date.now() + 10_000;
    while (!(await deliveries()).some((d) => !d.ok) && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
    second = await startTestApp({ ...wx.env, PORT: String(port) });
    const paid = await waitForStatus(second, order.id, 'PAID', 45_000);
    expect(paid.transactionId).not.toBeNull();
    const mine = await deliveries();
    expect(mine.some((d) => !d.ok)).toBe(true);
    expect(mine.at(-1)!.ok).toBe(true);
    expect(await ledgerCheck(second)).toMatchObject({ ok: true });
  }, 90_000);
});
