import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { inTx, type Order, type Prisma, type Refund, type SessionEndReason, type SqlReader } from '@qingting/prisma';
import type { SessionView, VoiceCallView } from '@qingting/shared';
import { ChatService } from '../chat/chat.service';
import { DomainError } from '../common/errors/domain-error';
import { AppConfig } from '../infra/config/app-config';
import { PrismaService } from '../infra/database/prisma.service';
import { ListenerStatsService } from '../listeners/listener-stats.service';
import { OrderHooks } from '../orders/order-hooks';
import type { OrderView } from '../orders/order-view';
import { RefundService } from '../orders/refund.service';
import { SessionOrdersService } from '../orders/session-orders.service';
import { SchedulerService } from '../scheduler/scheduler.service';
import { EarningsService } from '../settlement/earnings.service';
import { endSessions, insertSession, moveSession, patchSession, recordSessionEvent } from './session-transitions';
import { loadViewRows, Query, SessionRow } from './session-view';
import { SessionsService } from './sessions.service';
import { Charge, chargesOf, SettlementReason, usedSecondsOf } from './settlement';
import { VOICE_PROVIDER, VoiceProvider } from './voice/voice-provider';

export const SESSION_JOBS = {
  /** At startBy: still WAITING → a no-show (the listener's if only the talker came, else the talker's). */
  startDeadline: 'session.start_deadline',
  /** SESSION_LISTENER_NO_SHOW_MINUTES after the talker came, the listener still absent → refunded in full. */
  listenerNoShow: 'session.listener_no_show',
  /** SESSION_REMINDER_MINUTES before the paid end. */
  reminder: 'session.reminder',
  /**
   * At the paid end: ends (TIME_UP), a batch of sessions per transaction; one with an extension
   * being paid goes to `hold` instead.
   */
  end: 'session.end',
  /** Right after `end`, for a session whose extension is being paid: holds it for the grace period once. */
  hold: 'session.hold',
  /** At the end of the grace hold: ends (TIME_UP) unless the extension was paid meanwhile. */
  graceEnd: 'session.grace_end',
  /** Right after a batch `end` commits: the session's money, the chat's closing, the `ended` job (what a single end does in its transaction). */
  settle: 'session.settle',
  /** Right after an end commits: listener stats, the voice binding (effects outside the transaction, exactly once). */
  ended: 'session.ended',
} as const;

type Party = 'talker' | 'listener';

/** What the after-end job needs, carried in its payload (no read of the session). */
interface AfterEnd {
  talkerId: string;
  listenerId: string;
  minutes: number;
  voice: boolean;
  endedAt: string;
}

/** The order history's reason for completing, and the refund's reason for the rest. */
const ORDER_REASON: Record<SettlementReason, { complete: string; refund: string }> = {
  TIME_UP: { complete: '会话时间到', refund: '会话结束，退还未使用的时长' },
  TALKER_ENDED: { complete: '倾诉者提前结束会话', refund: '会话提前结束，退还未使用的时长' },
  LISTENER_ENDED: { complete: '倾听者提前结束会话', refund: '倾听者提前结束，退还未使用的时长' },
};

const END_TEXT: Record<SettlementReason, string> = {
  TIME_UP: '会话时间到，已结束。',
  TALKER_ENDED: '倾诉者结束了会话。',
  LISTENER_ENDED: '倾听者结束了会话，未使用的时长将全额退还。',
};

/**
 * The timed session's lifecycle (PRODUCT.md §4) and its money (§3): opened when a SESSION order
 * is accepted; started when both parties are present (the server's clock); reminded, extended,
 * held for an extension's payment, and ended by a timer at the paid end, or early by either
 * party; or cancelled as a no-show. Settlement happens in the transaction of the end.
 *
 * Locking: a transaction that touches both a session's timer rows and its row touches the timer
 * rows first (the scheduler holds a job's row while its handler runs), then the session row
 * (`SELECT … FOR UPDATE`), then order rows. An end by a party touches no timer rows in its
 * transaction (it drops them after the commit). Handlers re-check the state under the lock and
 * do nothing when it moved on, so a leftover timer is harmless.
 *
 * The session's own statements are plain SQL (`Query`), one per change with its event: the end
 * is a hot path (a thousand sessions may end in the same second).
 */
@Injectable()
export class SessionLifecycleService implements OnModuleInit {
  private readonly logger = new Logger(SessionLifecycleService.name);

  constructor(
    private readonly prisma: PrismaService,
    private readonly config: AppConfig,
    private readonly scheduler: SchedulerService,
    private readonly hooks: OrderHooks,
    private readonly orders: SessionOrdersService,
    private readonly refunds: RefundService,
    private readonly chat: ChatService,
    private readonly sessions: SessionsService,
    private readonly stats: ListenerStatsService,
    private readonly earnings: EarningsService,
    @Inject(VOICE_PROVIDER) private readonly voice: VoiceProvider,
  ) {}

  onModuleInit(): void {
    this.hooks.on('accepted', (order, tx) => this.open(order, tx));
    this.hooks.on('paid', async (order, tx) => {
      if (order.kind === 'EXTENSION') await this.extensionPaid(order, tx);
      else if (order.kind === 'GIFT') await this.giftPaid(order, tx);
    });
    this.scheduler.register(SESSION_JOBS.startDeadline, (job, tx) => this.startDeadline(job.key, tx));
    this.scheduler.register(SESSION_JOBS.listenerNoShow, (job, tx) => this.listenerNoShow(job.key, tx));
    this.scheduler.register(SESSION_JOBS.reminder, (job, tx) => this.remind(job.key, tx));
    this.scheduler.registerBatch(SESSION_JOBS.end, (jobs, tx) => this.timeUpMany(jobs.map((j) => j.key), tx), END_BATCH_SIZE);
    this.scheduler.register(SESSION_JOBS.hold, (job, tx) => this.timeUp(job.key, tx, false));
    this.scheduler.register(SESSION_JOBS.graceEnd, (job, tx) => this.timeUp(job.key, tx, true));
    this.scheduler.register(SESSION_JOBS.settle, (job, tx) => this.settleJob(job.key, tx));
    this.scheduler.registerEffect(SESSION_JOBS.ended, (job) => this.afterEnd(job.key, job.payload as unknown as AfterEnd));
  }

  // --- opening: the order was accepted ---

  /**
   * A SESSION order (paid, or paid with package minutes) was accepted (inside the accept
   * transaction): the session waits for both parties until startBy. A PACKAGE order opens no
   * session: its minutes are spent by SESSION orders of their own.
   */
  private async open(order: Order, tx: Prisma.TransactionClient): Promise<void> {
    if (order.kind !== 'SESSION') return;
    const db = inTx(tx);
    const id = randomUUID();
    const startBy = new Date((order.acceptedAt ?? new Date()).getTime() + this.config.SESSION_START_WINDOW_MINUTES * 60_000);
    await insertSession(
      db,
      { id, orderId: order.id, talkerId: order.talkerId, listenerId: order.listenerId, serviceType: order.serviceType, startBy, paidSeconds: order.minutes * 60 },
      { actorId: order.listenerId, detail: '倾听者接单，等待双方进入' },
    );
    await this.chat.open('SESSION', id, [{ userId: order.talkerId, role: 'TALKER' }, { userId: order.listenerId, role: 'LISTENER' }], tx);
    await this.scheduler.scheduleSql(db, SESSION_JOBS.startDeadline, id, startBy);
  }

  // --- presence and the start ---

  /** POST /sessions/:id/join: I am in the room. Idempotent; starts the clock when both are. */
  async join(userId: string, sessionId: string): Promise<SessionView> {
    const session = await this.sessions.getForParty(sessionId, userId);
    return this.arrive(sessionId, [session.talkerId === userId ? 'talker' : 'listener'], userId, userId);
  }

  /**
   * Marks `parties` present (joined times are kept from the first arrival) and starts the
   * session when both are. The talker alone arms the listener no-show timer.
   */
  async arrive(sessionId: string, parties: Party[], actorId: string | null, viewerId: string): Promise<SessionView> {
    const outcome = await this.prisma.client.$transaction(async (tx) => {
      const db = inTx(tx);
      const row = await this.lock(db, sessionId);
      if (row.status === 'ENDED' || row.status === 'CANCELLED') throw new DomainError('session/closed');
      const now = new Date();
      const arrived = parties.filter((p) => (p === 'talker' ? row.talkerJoinedAt : row.listenerJoinedAt) === null);
      if (!arrived.length) return { row, event: null };
      if (row.status === 'WAITING' && now > row.startBy) throw new DomainError('session/start_window_passed');
      const data = Object.fromEntries(arrived.map((p) => [p === 'talker' ? 'talkerJoinedAt' : 'listenerJoinedAt', now]));
      await patchSession(db, sessionId, data, { kind: 'joined', actorId, detail: arrived.join(',') });
      Object.assign(row, data);
      if (row.talkerJoinedAt && row.listenerJoinedAt) {
        await this.start(tx, row, now, actorId);
        return { row, event: 'started' as const };
      }
      const noShowAt = new Date(now.getTime() + this.config.SESSION_LISTENER_NO_SHOW_MINUTES * 60_000);
      // Past startBy the start deadline decides (the listener's no-show when only the talker came).
      if (arrived.includes('talker') && noShowAt < row.startBy) await this.scheduler.scheduleSql(db, SESSION_JOBS.listenerNoShow, sessionId, noShowAt);
      return { row, event: 'joined' as const };
    });
    if (outcome.event === 'started') {
      // Outside the transaction (their handlers re-check the state, so a leftover one is harmless).
      await Promise.all([this.scheduler.cancel(SESSION_JOBS.startDeadline, sessionId), this.scheduler.cancel(SESSION_JOBS.listenerNoShow, sessionId)]).catch((err) =>
        this.logger.warn({ err, sessionId }, 'could not drop the start timers'),
      );
    }
    if (outcome.event) await this.sessions.push(outcome.row, sessionId, outcome.event);
    return this.sessions.toView(outcome.row, viewerId);
  }

  /** Both present: ACTIVE from now (the server's clock) for the paid seconds; the order goes IN_SESSION. */
  private async start(tx: Prisma.TransactionClient, row: SessionRow, now: Date, actorId: string | null): Promise<void> {
    const endsAt = new Date(now.getTime() + row.paidSeconds * 1000);
    await moveSession(inTx(tx), row.id, 'WAITING', 'ACTIVE', { actorId, detail: '双方到齐，开始计时', data: { startedAt: now, endsAt } });
    await this.orders.markInSession({ id: row.orderId, kind: 'SESSION' }, actorId, tx);
    await this.scheduleEnd(tx, row.id, endsAt, now);
    await this.system(tx, row, `会话开始，时长 ${Math.round(row.paidSeconds / 60)} 分钟，以服务器时间为准。平台不保留聊天记录，结束 ${this.config.CHAT_RETENTION_HOURS} 小时后自动销毁。`);
    Object.assign(row, { status: 'ACTIVE', startedAt: now, endsAt });
  }

  /** The end timer at `endsAt` and the reminder before it (dropped when that moment has passed). */
  private async scheduleEnd(tx: Prisma.TransactionClient, sessionId: string, endsAt: Date, now: Date): Promise<void> {
    await this.scheduler.scheduleSql(inTx(tx), SESSION_JOBS.end, sessionId, endsAt);
    const remindAt = this.remindAt(endsAt);
    if (remindAt > now) await this.scheduler.scheduleSql(inTx(tx), SESSION_JOBS.reminder, sessionId, remindAt);
    else await this.scheduler.cancel(SESSION_JOBS.reminder, sessionId, tx);
  }

  private remindAt(endsAt: Date): Date {
    return new Date(endsAt.getTime() - this.config.SESSION_REMINDER_MINUTES * 60_000);
  }

  // --- ending ---

  /**
   * POST /sessions/:id/end by either party while ACTIVE. Two ends at once (or an end racing the
   * timer): exactly one ends it, the money moves once; the other gets 409 `session/not_active`,
   * except a retry by the party who ended it, which gets the ended view (idempotent).
   */
  async end(userId: string, sessionId: string): Promise<SessionView> {
    const session = await this.sessions.getForParty(sessionId, userId);
    return this.endBy(sessionId, session.talkerId === userId ? 'talker' : 'listener', userId);
  }

  async endBy(sessionId: string, party: Party, actorId: string): Promise<SessionView> {
    const outcome = await this.prisma.client.$transaction(
      async (tx) => {
        const row = await this.lock(inTx(tx), sessionId);
        if (row.status === 'ENDED' && row.endedById === actorId) return { row, refunds: [] as Refund[], ended: null };
        if (row.status !== 'ACTIVE') throw new DomainError('session/not_active');
        const ended = { endsAt: row.endsAt!, inGrace: row.endsAt!.getTime() > row.startedAt!.getTime() + row.paidSeconds * 1000 };
        const refunds = await this.finish(tx, row, party === 'talker' ? 'TALKER_ENDED' : 'LISTENER_ENDED', actorId);
        return { row, refunds, ended };
      },
      // An end must not fail for a busy pool (a burst of ends): wait for a connection rather than answer 500.
      { maxWait: 10_000, timeout: 15_000 },
    );
    if (outcome.ended) {
      // First the parties and the chat (closed on every instance), then the timers of a running
      // session (their handlers would find it ended and do nothing) and the refunds.
      await this.sessions.push(outcome.row, sessionId, 'ended');
      const { endsAt, inGrace } = outcome.ended;
      const timers = [SESSION_JOBS.end, ...(inGrace ? [SESSION_JOBS.graceEnd] : []), ...(this.remindAt(endsAt) > new Date() ? [SESSION_JOBS.reminder] : [])];
      await Promise.all(timers.map((kind) => this.scheduler.cancel(kind, sessionId))).catch((err) => this.logger.warn({ err, sessionId }, 'could not drop the end timers'));
      // The refund job would send these right after the commit too; sending now saves a poll.
      for (const r of outcome.refunds) await this.refunds.submit(r.id).catch((err) => this.logger.warn({ err, refundId: r.id }, 'refund submit failed; the job retries'));
    }
    return this.sessions.toView(outcome.row, actorId);
  }

  /**
   * The paid end of many sessions at once: in one statement every one still ACTIVE past its paid
   * end is ENDED (TIME_UP) with its used time and charge; the rest of a single end (money, chat,
   * after-end job) follows in a `session.settle` job each, and both parties get the `ended` frame
   * after the commit. A session with an extension being paid goes to `session.hold` (rare; the
   * grace hold is per session).
   */
  private async timeUpMany(sessionIds: string[], db: SqlReader): Promise<() => Promise<void>> {
    const now = new Date();
    const rows = await loadViewRows(db, 's.id = ANY($1::uuid[])', 'ORDER BY s.id FOR UPDATE OF s', [sessionIds]);
    const due = rows.filter((r) => r.status === 'ACTIVE' && r.endsAt && r.endsAt <= now);
    const held = this.config.SESSION_EXTENSION_GRACE_SECONDS > 0 ? due.filter((r) => r.extensionPending) : [];
    const ending = due.filter((r) => !held.includes(r));
    await this.scheduler.scheduleManySql(db, SESSION_JOBS.hold, held.map((r) => ({ key: r.id, dueAt: now })));
    const orders = await this.orders.ordersOf(ending.map((r) => r.orderId), db);
    const ends = ending.map((row) => {
      const usedSeconds = usedSecondsOf(row.startedAt!, row.endsAt!, now, row.paidSeconds);
      const chargedFen = chargedOf(chargesOf(inSession(orders.get(row.orderId)!), usedSeconds, 'TIME_UP'));
      return { id: row.id, usedSeconds, chargedFen, detail: endDetail('TIME_UP', usedSeconds, chargedFen) };
    });
    const ended = new Set(await endSessions(db, ends, 'TIME_UP', now));
    await this.scheduler.scheduleManySql(db, SESSION_JOBS.settle, [...ended].map((id) => ({ key: id, dueAt: now })));
    const retainUntil = this.retainUntil(now);
    const rowOf = new Map(ending.map((r) => [r.id, r]));
    const pushed = ends
      .filter((e) => ended.has(e.id))
      .map((e) => Object.assign(rowOf.get(e.id)!, { status: 'ENDED' as const, endedAt: now, endReason: 'TIME_UP' as const, endedById: null, usedSeconds: e.usedSeconds, chargedFen: e.chargedFen, retainUntil }));
    // All at once: one at a time, the batch's pushes would hold up the next batch.
    return async () => void (await Promise.all(pushed.map((row) => this.sessions.push(row, row.id, 'ended'))));
  }

  /** A batch-ended session's settlement (`session.settle`); nothing when it is settled already. */
  private async settleJob(sessionId: string, tx: Prisma.TransactionClient): Promise<void> {
    const db = inTx(tx);
    const row = await this.lock(db, sessionId, false);
    if (!row || row.status !== 'ENDED' || !isSettlementReason(row.endReason)) return;
    const orders = inSession((await this.orders.ordersOf([row.orderId], db)).get(row.orderId)!);
    if (!orders.length) return;
    // The refunds (none for TIME_UP, where every block is charged) are sent by the refund job.
    await this.settleEnded(tx, row, chargesOf(orders, row.usedSeconds!, row.endReason), row.endReason, row.endedById);
  }

  /** The grace hold's timers (`session.hold`, `session.grace_end`): hold once for an extension being paid, else end. */
  private async timeUp(sessionId: string, tx: Prisma.TransactionClient, afterGrace: boolean): Promise<void> {
    const db = inTx(tx);
    const row = await this.lock(db, sessionId, false);
    const now = new Date();
    if (!row || row.status !== 'ACTIVE' || !row.endsAt || row.endsAt > now) return;
    if (!afterGrace && row.extensionPending && this.config.SESSION_EXTENSION_GRACE_SECONDS > 0) {
      const endsAt = new Date(row.endsAt.getTime() + this.config.SESSION_EXTENSION_GRACE_SECONDS * 1000);
      await patchSession(db, sessionId, { endsAt }, { kind: 'grace', actorId: null, detail: `续时订单支付中，结束时间顺延 ${this.config.SESSION_EXTENSION_GRACE_SECONDS} 秒` });
      // Its own kind: this job's row is marked done when this handler returns.
      await this.scheduler.scheduleSql(db, SESSION_JOBS.graceEnd, sessionId, endsAt);
      await this.system(tx, row, `续时订单支付中，会话为你保留 ${this.config.SESSION_EXTENSION_GRACE_SECONDS} 秒。`);
      row.endsAt = endsAt;
      await this.sessions.push(row, sessionId, 'grace');
      return;
    }
    await this.finish(tx, row, 'TIME_UP', null);
    await this.sessions.push(row, sessionId, 'ended');
  }

  /**
   * Ends an ACTIVE session and settles its money in the caller's transaction: used seconds on
   * the server clock, each order charged for its block (settlement.ts). Updates `row`.
   */
  private async finish(tx: Prisma.TransactionClient, row: SessionRow, reason: SettlementReason, actorId: string | null): Promise<Refund[]> {
    const now = new Date();
    const usedSeconds = usedSecondsOf(row.startedAt!, row.endsAt!, now, row.paidSeconds);
    const db = inTx(tx);
    const charges = chargesOf(inSession((await this.orders.ordersOf([row.orderId], db)).get(row.orderId)!), usedSeconds, reason);
    const chargedFen = chargedOf(charges);
    const ended = { endedAt: now, endReason: reason, endedById: actorId, usedSeconds, chargedFen };
    await moveSession(db, row.id, 'ACTIVE', 'ENDED', { actorId, detail: endDetail(reason, usedSeconds, chargedFen), data: ended });
    Object.assign(row, { status: 'ENDED', ...ended, extensionPending: false });
    return this.settleEnded(tx, row, charges, reason, actorId);
  }

  /**
   * The money and the rest of an ENDED session's end, in the caller's transaction: each order
   * completed and the uncharged rest refunded, the listener's earnings held, the chat's retention
   * started and its closing message, the after-end job. Updates `row`.
   */
  private async settleEnded(tx: Prisma.TransactionClient, row: SessionRow, charges: Charge[], reason: SettlementReason, actorId: string | null): Promise<Refund[]> {
    const endedAt = row.endedAt!;
    const refunds = await this.orders.settle(charges, ORDER_REASON[reason].complete, ORDER_REASON[reason].refund, actorId, tx);
    for (const c of charges) if (c.chargedFen > 0) await this.holdEarnings(c.orderId, row.listenerId, endedAt, tx);
    const retainUntil = this.retainUntil(endedAt);
    if (row.conversationId) {
      await this.chat.setRetention(row.conversationId, retainUntil, tx);
      await this.chat.postSystem(row.conversationId, `${END_TEXT[reason]}本次用时 ${formatDuration(row.usedSeconds!)}。`, tx);
    }
    const after: AfterEnd = { talkerId: row.talkerId, listenerId: row.listenerId, minutes: Math.round(row.usedSeconds! / 60), voice: row.serviceType === 'VOICE', endedAt: endedAt.toISOString() };
    await this.scheduler.scheduleSql(inTx(tx), SESSION_JOBS.ended, row.id, new Date(), { ...after });
    row.retainUntil = retainUntil;
    return refunds;
  }

  private retainUntil(endedAt: Date): Date {
    return new Date(endedAt.getTime() + this.config.CHAT_RETENTION_HOURS * 3600_000);
  }

  /** After an end commits (exactly once): the listener's served counters and the voice binding. */
  private async afterEnd(sessionId: string, after: AfterEnd): Promise<void> {
    // How many sessions this talker had completed with this listener before: the durable truth for the repurchase rate.
    const [{ n }] = await this.prisma.sql.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM sessions WHERE talker_id = $1::uuid AND listener_id = $2::uuid AND status = 'ENDED' AND ended_at < $3::timestamptz`,
      [after.talkerId, after.listenerId, after.endedAt],
    );
    await this.stats.recordServed(after.listenerId, after.talkerId, after.minutes, n);
    if (after.voice) await this.voice.release(sessionId);
  }

  // --- never started: no-shows ---

  /** startBy passed and the session never started: the listener's no-show if only the talker came, else the talker's. */
  private async startDeadline(sessionId: string, tx: Prisma.TransactionClient): Promise<void> {
    const row = await this.lock(inTx(tx), sessionId, false);
    if (!row || row.status !== 'WAITING') return;
    await this.cancelUnstarted(tx, row, row.talkerJoinedAt && !row.listenerJoinedAt ? 'LISTENER_NO_SHOW' : 'TALKER_NO_SHOW');
  }

  private async listenerNoShow(sessionId: string, tx: Prisma.TransactionClient): Promise<void> {
    const row = await this.lock(inTx(tx), sessionId, false);
    if (!row || row.status !== 'WAITING' || !row.talkerJoinedAt || row.listenerJoinedAt) return;
    await this.cancelUnstarted(tx, row, 'LISTENER_NO_SHOW');
  }

  /** CANCELLED with the order refunded: in full for the listener's no-show, minus the no-show fee for the talker's. */
  private async cancelUnstarted(tx: Prisma.TransactionClient, row: SessionRow, reason: Extract<SessionEndReason, 'LISTENER_NO_SHOW' | 'TALKER_NO_SHOW'>): Promise<void> {
    const now = new Date();
    const talkers = reason === 'TALKER_NO_SHOW';
    const { refundedFen, keptFen } = await this.orders.refundUnstarted(
      row.orderId,
      talkers ? this.config.SESSION_NO_SHOW_FEE_FEN : 0,
      talkers ? `倾诉者未在${this.config.SESSION_START_WINDOW_MINUTES}分钟内开始会话，订单取消并退款` : '倾听者未按时进入会话，全额退款',
      tx,
    );
    if (keptFen > 0) await this.holdEarnings(row.orderId, row.listenerId, now, tx);
    const cancelled = { endedAt: now, endReason: reason, usedSeconds: 0, chargedFen: keptFen };
    await moveSession(inTx(tx), row.id, 'WAITING', 'CANCELLED', { actorId: null, detail: `${reason}：退款 ${refundedFen} 分`, data: cancelled });
    const retainUntil = new Date(now.getTime() + this.config.CHAT_RETENTION_HOURS * 3600_000);
    if (row.conversationId) {
      await this.chat.setRetention(row.conversationId, retainUntil, tx);
      await this.chat.postSystem(row.conversationId, talkers ? '倾诉者未在规定时间内开始，会话已取消，订单已退款。' : '倾听者未按时进入，会话已取消，订单将全额退款。', tx);
    }
    Object.assign(row, { status: 'CANCELLED', ...cancelled, retainUntil });
    await this.sessions.push(row, row.id, 'cancelled');
  }

  // --- reminder, extensions, gifts ---

  private async remind(sessionId: string, tx: Prisma.TransactionClient): Promise<void> {
    const [row] = await loadViewRows(inTx(tx), 's.id = $1::uuid', '', [sessionId]);
    if (!row || row.status !== 'ACTIVE') return;
    await recordSessionEvent(inTx(tx), sessionId, 'reminder', null, `距结束 ${this.config.SESSION_REMINDER_MINUTES} 分钟`);
    await this.system(tx, row, `距离会话结束还有 ${this.config.SESSION_REMINDER_MINUTES} 分钟，倾诉者可以续时。`);
    await this.sessions.push(row, sessionId, 'reminder');
  }

  /** POST /sessions/:id/extend: the talker buys more units of a running session (an EXTENSION order to pay). */
  async extend(userId: string, sessionId: string, units: number): Promise<OrderView> {
    const session = await this.sessions.getForParty(sessionId, userId);
    if (session.talkerId !== userId) throw new DomainError('session/forbidden');
    if (session.status !== 'ACTIVE') throw new DomainError('session/not_active');
    return this.orders.createExtension(session, units);
  }

  /**
   * An extension was paid (inside the payment transaction). Session still running (or held for
   * the grace period): the order joins it, the paid end moves by its minutes, timers follow.
   * Session already over: the extension is refunded in full.
   */
  private async extensionPaid(order: Order, tx: Prisma.TransactionClient): Promise<void> {
    const db = inTx(tx);
    const [before] = order.parentOrderId ? await loadViewRows(db, 's.order_id = $1::uuid', '', [order.parentOrderId]) : [];
    const seconds = order.minutes * 60;
    const now = new Date();
    const running = before?.status === 'ACTIVE' && before.startedAt !== null;
    if (running) {
      // Timer rows before the session row (see the class comment); corrected below if the session moved meanwhile.
      await this.scheduler.cancel(SESSION_JOBS.graceEnd, before.id, tx);
      await this.scheduleEnd(tx, before.id, new Date(before.startedAt!.getTime() + (before.paidSeconds + seconds) * 1000), now);
    }
    const row = before ? await this.lock(db, before.id) : undefined;
    if (!row || row.status !== 'ACTIVE' || !row.startedAt) {
      if (row && running) {
        await this.scheduler.cancel(SESSION_JOBS.end, row.id, tx);
        await this.scheduler.cancel(SESSION_JOBS.reminder, row.id, tx);
      }
      await this.orders.refundInFull(order.id, '会话已结束，续时订单全额退款', tx);
      return;
    }
    const paidSeconds = row.paidSeconds + seconds;
    const endsAt = new Date(row.startedAt.getTime() + paidSeconds * 1000);
    if (before!.paidSeconds !== row.paidSeconds) await this.scheduleEnd(tx, row.id, endsAt, now);
    await patchSession(db, row.id, { paidSeconds, endsAt }, { kind: 'extended', actorId: order.talkerId, detail: `续时 ${order.minutes} 分钟（订单 ${order.id}）` });
    await this.orders.markInSession(order, null, tx);
    await this.system(tx, row, `倾诉者续时 ${order.minutes} 分钟。`);
    Object.assign(row, { paidSeconds, endsAt, extensionPending: false });
    await this.sessions.push(row, row.id, 'extended');
  }

  /** POST /sessions/:id/gifts: the talker sends a gift during the session or within the dispute window after it. */
  async gift(userId: string, sessionId: string, giftCode: string): Promise<OrderView> {
    const session = await this.sessions.getForParty(sessionId, userId);
    if (session.talkerId !== userId) throw new DomainError('session/forbidden');
    if (session.status === 'ENDED') {
      if (!session.startedAt || Date.now() - session.endedAt!.getTime() > this.config.DISPUTE_WINDOW_HOURS * 3600_000) throw new DomainError('session/gift_window_closed');
    } else if (session.status !== 'ACTIVE') {
      throw new DomainError('session/not_active');
    }
    return this.orders.createGift(session, giftCode);
  }

  /** A gift was paid (inside the payment transaction): delivered at once, announced in the conversation while it exists. */
  private async giftPaid(order: Order, tx: Prisma.TransactionClient): Promise<void> {
    const name = await this.orders.completeGift(order, tx);
    await this.holdEarnings(order.id, order.listenerId, new Date(), tx);
    const [row] = order.parentOrderId ? await loadViewRows(inTx(tx), 's.order_id = $1::uuid', '', [order.parentOrderId]) : [];
    if (!row) return;
    await recordSessionEvent(inTx(tx), row.id, 'gift', order.talkerId, `礼物「${name}」（订单 ${order.id}）`);
    if (!row.keyDestroyedAt) await this.system(tx, row, `倾诉者送出了礼物「${name}」`);
  }

  // --- voice ---

  /** POST /sessions/:id/voice/call: binds the anonymous call of a VOICE session (before or during it). */
  async call(userId: string, sessionId: string): Promise<VoiceCallView> {
    const session = await this.sessions.getForParty(sessionId, userId);
    if (session.serviceType !== 'VOICE') throw new DomainError('session/not_voice');
    if (session.status !== 'WAITING' && session.status !== 'ACTIVE') throw new DomainError('session/not_active');
    try {
      return await this.voice.bind(session);
    } catch (err) {
      this.logger.error({ err, sessionId }, 'voice provider could not bind the call');
      throw new DomainError('session/voice_unavailable');
    }
  }

  // --- helpers ---

  /**
   * The session's view row, locked for the rest of the transaction. With `required` a missing
   * session is 404; timers pass false and get undefined.
   */
  private async lock(db: Query, sessionId: string): Promise<SessionRow>;
  private async lock(db: Query, sessionId: string, required: false): Promise<SessionRow | undefined>;
  private async lock(db: Query, sessionId: string, required = true): Promise<SessionRow | undefined> {
    const [row] = await loadViewRows(db, 's.id = $1::uuid', 'FOR UPDATE OF s', [sessionId]);
    if (!row && required) throw new DomainError('session/not_found');
    return row;
  }

  /** The listener's earnings from an order are held for the dispute window from `from` (PRODUCT.md §11). */
  private async holdEarnings(orderId: string, listenerId: string, from: Date, tx: Prisma.TransactionClient): Promise<void> {
    await this.earnings.holdUntil(orderId, listenerId, new Date(from.getTime() + this.config.DISPUTE_WINDOW_HOURS * 3600_000), tx);
  }

  private async system(tx: Prisma.TransactionClient, row: Pick<SessionRow, 'conversationId'>, text: string): Promise<void> {
    if (row.conversationId) await this.chat.postSystem(row.conversationId, text, tx);
  }
}

/** Timed-out sessions ended in one transaction (a burst of a thousand is ten of them). */
const END_BATCH_SIZE = 100;

const inSession = (orders: Order[]) => orders.filter((o) => o.status === 'IN_SESSION');
const chargedOf = (charges: Charge[]) => charges.reduce((sum, c) => sum + c.chargedFen, 0);
const endDetail = (reason: SettlementReason, usedSeconds: number, chargedFen: number) => `${reason}：用时 ${usedSeconds} 秒，实收 ${chargedFen} 分`;
const isSettlementReason = (reason: SessionEndReason | null): reason is SettlementReason => reason !== null && reason in ORDER_REASON;

/** 125 → "2 分 5 秒". */
function formatDuration(seconds: number): string {
  const m = Math.floor(seconds / 60);
  const s = seconds % 60;
  return m ? `${m} 分${s ? ` ${s} 秒` : '钟'}` : `${s} 秒`;
}
