import type { Prisma } from '@qingting/prisma';
import { SchedulerService } from '../src/scheduler/scheduler.service';
import { SESSION_JOBS } from '../src/sessions/session-lifecycle.service';
import { loginAs } from './auth';
import { createOrder, listenerWithSession, payOrder, post, waitFor } from './orders';
import type { TestApp } from './test-app';
import type { TestSimulator } from './wechat';

type Headers = Record<string, string>;

export interface AcceptedSession {
  sessionId: string;
  orderId: string;
  conversationId: string;
  talker: { id: string; token: string; headers: Headers };
  listener: { id: string; token: string; headers: Headers };
}

/**
 * A talker, a listener (text 20 CNY per 15 min unless overridden), a SESSION order of `units`
 * paid through the simulator and accepted: the session is WAITING.
 */
export async function acceptedSession(
  t: TestApp,
  wx: TestSimulator,
  options: { units?: number; serviceType?: 'TEXT' | 'VOICE'; profile?: Partial<Omit<Prisma.ListenerProfileUncheckedCreateInput, 'userId'>> } = {},
): Promise<AcceptedSession> {
  const talker = await loginAs(t);
  const listener = await listenerWithSession(t, { priceVoiceFen: 3000, ...options.profile });
  const order = await createOrder(t, talker.headers, { listenerId: listener.user.id, serviceType: options.serviceType ?? 'TEXT', units: options.units ?? 1 });
  if (order.status !== 201) throw new Error(`order: ${order.status} ${JSON.stringify(order.body)}`);
  await payOrder(t, wx, talker.headers, order.body.id);
  const accepted = await post(t, `/api/orders/${order.body.id}/accept`, listener.headers);
  if (accepted.status !== 200) throw new Error(`accept: ${accepted.status} ${JSON.stringify(accepted.body)}`);
  const session = await t.prisma.session.findUniqueOrThrow({ where: { orderId: order.body.id } });
  const conversation = await t.prisma.conversation.findUniqueOrThrow({ where: { subjectId: session.id } });
  return {
    sessionId: session.id,
    orderId: order.body.id,
    conversationId: conversation.id,
    talker: { id: talker.user.id, token: talker.token, headers: talker.headers },
    listener: { id: listener.user.id, token: listener.headers.authorization.slice('Bearer '.length), headers: listener.headers },
  };
}

/**
 * Pays an EXTENSION or GIFT order at the simulator (which notifies the app) without waiting for
 * PAID: the sessions module moves such orders on in the payment's own transaction.
 */
export async function payAtSimulator(t: TestApp, wx: TestSimulator, talkerHeaders: Headers, orderId: string) {
  const pay = await post(t, `/api/orders/${orderId}/pay`, talkerHeaders);
  if (pay.status !== 200) throw new Error(`pay: ${pay.status} ${JSON.stringify(pay.body)}`);
  const order = await t.prisma.order.findUniqueOrThrow({ where: { id: orderId } });
  await wx.control(`/__sim/pay/${order.outTradeNo}/confirm`);
}

/** Both parties join (talker first): the session is ACTIVE. */
export async function startSession(t: TestApp, s: AcceptedSession) {
  const first = await post(t, `/api/sessions/${s.sessionId}/join`, s.talker.headers);
  if (first.status !== 200) throw new Error(`join: ${first.status} ${JSON.stringify(first.body)}`);
  const second = await post(t, `/api/sessions/${s.sessionId}/join`, s.listener.headers);
  if (second.status !== 200 || second.body.status !== 'ACTIVE') throw new Error(`join: ${second.status} ${JSON.stringify(second.body)}`);
  return second.body;
}

/** An ACTIVE session. */
export async function activeSession(t: TestApp, wx: TestSimulator, options: Parameters<typeof acceptedSession>[2] = {}) {
  const s = await acceptedSession(t, wx, options);
  await startSession(t, s);
  return s;
}

/**
 * The controllable clock: moves the session's timestamps and its pending timers `seconds` into
 * the past, as if that much time had passed. Then `runDue(t)` fires what became due.
 */
export async function shiftSession(t: TestApp, sessionId: string, seconds: number) {
  const by = `${seconds} seconds`;
  await t.prisma.$executeRawUnsafe(
    `UPDATE sessions SET start_by = start_by - $2::interval, talker_joined_at = talker_joined_at - $2::interval,
       listener_joined_at = listener_joined_at - $2::interval, started_at = started_at - $2::interval,
       ends_at = ends_at - $2::interval, ended_at = ended_at - $2::interval WHERE id = $1::uuid`,
    sessionId,
    by,
  );
  await t.prisma.$executeRawUnsafe(`UPDATE scheduled_jobs SET due_at = due_at - $2::interval WHERE key = $1 AND kind LIKE 'session.%' AND done_at IS NULL`, sessionId, by);
}

/**
 * Runs every due job now. The background poller may hold some (claimed, not yet committed), which
 * this instance's run skips: it waits until nothing is due any more, whoever runs it.
 */
export async function runDue(t: TestApp) {
  const scheduler = t.app.get(SchedulerService);
  const due = async () => {
    await scheduler.runDue();
    const [{ n }] = await t.prisma.$queryRawUnsafe<{ n: number }[]>('SELECT count(*)::int AS n FROM scheduled_jobs WHERE done_at IS NULL AND due_at <= now()');
    return n;
  };
  await waitFor(due, (n) => n === 0, 10_000, 'no job due');
}

export function sessionRow(t: TestApp, sessionId: string) {
  return t.prisma.session.findUniqueOrThrow({ where: { id: sessionId } });
}

/** Waits for the status; for ENDED also for the settlement, which follows a timed-out session's end in a `session.settle` job. */
export async function waitForSession(t: TestApp, sessionId: string, status: string, timeoutMs?: number) {
  const row = await waitFor(() => sessionRow(t, sessionId), (s) => s.status === status, timeoutMs, `session ${sessionId} → ${status}`);
  if (status === 'ENDED') {
    const unsettled = async () => {
      await runDue(t);
      return t.prisma.scheduledJob.count({ where: { kind: SESSION_JOBS.settle, key: sessionId, doneAt: null } });
    };
    await waitFor(unsettled, (n) => n === 0, timeoutMs, `session ${sessionId} settled`);
  }
  return row;
}

/**
 * The order's status history, oldest first. Rows written in one transaction can share a
 * timestamp, so they are chained (each `from` is the previous `to`) rather than sorted.
 */
export async function orderHistory(t: TestApp, orderId: string) {
  const rows = await t.prisma.orderTransition.findMany({ where: { orderId }, orderBy: [{ at: 'asc' }, { id: 'asc' }] });
  const chain: string[] = [];
  let last: string | null = null;
  while (rows.length) {
    const i = Math.max(0, rows.findIndex((r) => r.from === last));
    last = rows.splice(i, 1)[0].to;
    chain.push(last);
  }
  return chain;
}
