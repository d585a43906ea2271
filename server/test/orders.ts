import type { Prisma } from '@qingting/prisma';
import { SessionService } from '../src/identity/session.service';
import { LedgerService } from '../src/ledger/ledger.service';
import { SchedulerService } from '../src/scheduler/scheduler.service';
import { createListener } from './factories';
import type { TestApp } from './test-app';
import type { TestSimulator } from './wechat';

type Headers = Record<string, string>;

/** An active, online listener (text 20 CNY per unit unless overridden) with a session token. */
export async function listenerWithSession(t: TestApp, profile: Partial<Omit<Prisma.ListenerProfileUncheckedCreateInput, 'userId'>> = {}, alias?: string) {
  const { user, listener } = await createListener(t.prisma, { online: true, priceTextFen: 2000, ...profile }, alias);
  const { token } = await t.app.get(SessionService).issue(user.id);
  return { user, listener, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' } as Headers };
}

export async function createOrder(t: TestApp, headers: Headers, body: Record<string, unknown>) {
  return t.request('/api/orders', { method: 'POST', headers, body: JSON.stringify(body) });
}

export async function post(t: TestApp, path: string, headers: Headers, body: unknown = {}) {
  return t.request(path, { method: 'POST', headers, body: JSON.stringify(body) });
}

/** Polls until `read()` satisfies `ok`, or fails after `timeoutMs`. */
export async function waitFor<T>(read: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 15_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last = await read();
  while (!ok(last)) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last value: ${JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, 50));
    last = await read();
  }
  return last;
}

export function orderStatus(t: TestApp, orderId: string) {
  return t.prisma.order.findUniqueOrThrow({ where: { id: orderId } });
}

export function waitForStatus(t: TestApp, orderId: string, status: string, timeoutMs?: number) {
  return waitFor(() => orderStatus(t, orderId), (o) => o.status === status, timeoutMs, `order ${orderId} → ${status}`);
}

/** Prepays through the API, then pays at the simulator (which notifies the app); resolves when the order is PAID. */
export async function payOrder(t: TestApp, wx: TestSimulator, talkerHeaders: Headers, orderId: string) {
  const pay = await post(t, `/api/orders/${orderId}/pay`, talkerHeaders);
  if (pay.status !== 200) throw new Error(`pay: ${pay.status} ${JSON.stringify(pay.body)}`);
  const order = await orderStatus(t, orderId);
  await wx.control(`/__sim/pay/${order.outTradeNo}/confirm`);
  return waitForStatus(t, orderId, 'PAID');
}

/** Makes a timer of the order due now and runs every due job (the background poller may win the race: both are fine). */
export async function fireTimer(t: TestApp, kind: string, orderId: string) {
  await t.prisma.scheduledJob.updateMany({ where: { kind, key: orderId, doneAt: null }, data: { dueAt: new Date(Date.now() - 1000) } });
  await t.app.get(SchedulerService).runDue();
}

export function ledgerCheck(t: TestApp) {
  return t.app.get(LedgerService).check();
}
