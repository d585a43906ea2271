import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import type { Order, Prisma, Refund, User } from '@qingting/prisma';
import { ORDER_ID_PLACEHOLDER, type Page } from '@qingting/shared';
import { AuditService } from '../audit/audit.service';
import { DomainError } from '../common/errors/domain-error';
import type { AuthUser } from '../identity/auth.decorators';
import { AppConfig } from '../infra/config/app-config';
import { PrismaService } from '../infra/database/prisma.service';
import { paymentLines } from '../ledger/ledger.rules';
import { LedgerService, paymentKey, postingSql } from '../ledger/ledger.service';
import { ListenerStatsService } from '../listeners/listener-stats.service';
import { RealtimeService } from '../realtime/realtime.service';
import { SchedulerService } from '../scheduler/scheduler.service';
import { requestPaymentParams, type RequestPaymentParams } from '../wechat/protocol/signing';
import type { Transaction } from '../wechat/protocol/types';
import { WechatApiClient } from '../wechat/wechat-api.client';
import { EventTx, eventTransaction, eventTx, prismaOf, WechatEvents } from '../wechat/wechat-events';
import { WechatPayClient, WechatPayError } from '../wechat/wechat-pay.client';
import { WECHAT_SETTINGS, WechatSettings } from '../wechat/wechat-settings';
import type { CreateOrderBody, ListOrdersQuery } from './dto';
import { OrderHooks } from './order-hooks';
import { insertOrderSql, NewOrder, ORDER_COLUMNS, ORDER_WITH_PAYER_COLUMNS, OrderWithPayer } from './order-rows';
import { lockOrder, moveOrder, moveOrderSql } from './order-state';
import { olderThan, OrderView, pageOf, toOrderView } from './order-view';
import { ORDER_ACCEPT_TIMEOUT_JOB, ORDER_EXPIRE_JOB, ORDER_PAID_JOB, PACKAGE_EXPIRE_JOB, paidJobPayload, type PaidJobPayload } from './order-jobs';
import { isPackageFunded, PackageMinutesService } from './package-minutes.service';
import { RefundService } from './refund.service';


const SERVICE_LABEL = { TEXT: '文字倾诉', VOICE: '语音倾诉' } as const;
type PublicUser = Pick<User, 'id' | 'alias' | 'avatarSeed'>;

export interface PayAnswer {
  requestPayment: RequestPaymentParams;
  /** The simulator's cashier page (H5 build); null against real WeChat. */
  cashierUrl: string | null;
}

type PaymentOutcome = 'paid' | 'already_paid' | 'refunding_late_payment' | 'ignored';
type PaymentSource = 'notification' | 'query' | 'expire';

/** A data-modifying CTE with its parameters numbered from `first`. */
type CteBuilder = (first: number) => { text: string; values: unknown[] };

/** Names a statement (`name AS (…)`) for `withCtes`. */
function cte(name: string, statement: { text: string; values: unknown[] }): { text: string; values: unknown[] } {
  return { text: `${name} AS (${statement.text})`, values: statement.values };
}

/** One `WITH …` statement from CTE builders, numbering their parameters in turn: a change and its effects in one round trip. */
function withCtes(parts: CteBuilder[], select: string): [string, unknown[]] {
  const texts: string[] = [];
  const values: unknown[] = [];
  for (const part of parts) {
    const built = part(values.length + 1);
    texts.push(built.text);
    values.push(...built.values);
  }
  return [`WITH ${texts.join(',\n')}\n${select}`, values];
}

/**
 * Orders (PRODUCT.md §3): pricing on the server, checkout through WeChat Pay JSAPI, payment
 * confirmation by notification or query, accept / decline / cancel, and the two timers. Every
 * status change goes through `moveOrder` (the transition table, a conditional update and the
 * history row) inside one transaction with its effects (ledger, timers, refunds).
 */
@Injectable()
export class OrdersService implements OnModuleInit {
  private readonly logger = new Logger(OrdersService.name);

  constructor(
    private readonly prisma: PrismaService,
    private readonly config: AppConfig,
    private readonly scheduler: SchedulerService,
    private readonly ledger: LedgerService,
    private readonly refunds: RefundService,
    private readonly wxpay: WechatPayClient,
    private readonly wechat: WechatApiClient,
    private readonly events: WechatEvents,
    private readonly stats: ListenerStatsService,
    private readonly audit: AuditService,
    private readonly hooks: OrderHooks,
    private readonly realtime: RealtimeService,
    private readonly packages: PackageMinutesService,
    @Inject(WECHAT_SETTINGS) private readonly settings: WechatSettings,
  ) {}

  onModuleInit(): void {
    this.events.onPlainSql('transaction', async (event, tx) => void (await this.applyPaymentIn(tx, event.resource, 'notification')));
    this.scheduler.register(ORDER_EXPIRE_JOB, (job, tx) => this.expire(job.key, tx));
    this.scheduler.register(ORDER_ACCEPT_TIMEOUT_JOB, (job, tx) => this.acceptTimeout(job.key, tx));
    this.scheduler.registerEffect(ORDER_PAID_JOB, (job) => this.afterPaid(job.key, (job.payload as PaidJobPayload | null)?.listenerId));
  }

  // --- creating and paying ---

  async create(user: AuthUser, body: CreateOrderBody): Promise<OrderView> {
    const { order, parties } = await this.placeOrder(user, body, null);
    return toOrderView(order, parties, user.id);
  }

  /**
   * Create and prepay in one call (what the mini-program's 去支付 does): one round trip fewer on
   * the talker's network and one request, session lookup and order read fewer on the server.
   * `returnUrl` may contain `{orderId}` (also URL-encoded), replaced by the new order's id. An
   * order paid with package minutes has no payment step (`payment` null). The prepay comes first
   * and the order is written with its prepay_id: when the prepay fails, nothing is written (502
   * `order/payment_unavailable`, the talker simply tries again).
   */
  async checkout(user: AuthUser, body: CreateOrderBody, returnUrl?: string): Promise<{ order: OrderView; payment: PayAnswer | null }> {
    const { order, parties, payment } = await this.placeOrder(user, body, { returnUrl });
    return { order: toOrderView(order, parties, user.id), payment };
  }

  /**
   * Prices and opens the order (or spends package minutes): the new order and who its parties
   * are; with `checkout`, prepaid before it is written (see `checkout`).
   */
  private async placeOrder(
    user: AuthUser,
    body: CreateOrderBody,
    checkout: { returnUrl?: string } | null,
  ): Promise<{ order: Order; parties: Map<string, PublicUser>; payment: PayAnswer | null }> {
    if ((body.units === undefined) === (body.packageId === undefined)) throw new DomainError('order/units_or_package');
    if (body.listenerId === user.id) throw new DomainError('order/self_order');
    if (body.balanceId && body.packageId) throw new DomainError('order/units_or_package');
    // Checkout is the hottest write path: plain SQL throughout (see `Sql` in @qingting/prisma), and
    // one read for the listener's terms and both parties as the answer shows them (`usersOf`).
    const [listener] = await this.prisma.sql.query<{ status: string; online: boolean; priceTextFen: number | null; priceVoiceFen: number | null; parties: PublicUser[]; talkerOpenid: string | null }>(
      `SELECT lp.status, lp.online, lp.price_text_fen AS "priceTextFen", lp.price_voice_fen AS "priceVoiceFen",
              (SELECT json_agg(json_build_object('id', p.id, 'alias', p.alias, 'avatarSeed', p.avatar_seed)) FROM users p WHERE p.id IN (lp.user_id, $2::uuid)) AS parties,
              (SELECT openid FROM users t WHERE t.id = $2::uuid) AS "talkerOpenid"
         FROM listener_profiles lp JOIN users u ON u.id = lp.user_id
        WHERE lp.user_id = $1 AND u.deleted_at IS NULL`,
      [body.listenerId, user.id],
    );
    if (!listener) throw new DomainError('listener/not_found');
    if (listener.status !== 'ACTIVE') throw new DomainError('order/listener_unavailable');
    if (!listener.online) throw new DomainError('order/listener_offline');
    const placed = (order: Order, payment: PayAnswer | null = null) => ({ order, parties: new Map(listener.parties.map((p) => [p.id, p])), payment });
    if (body.balanceId) {
      return placed(await this.packages.spend(user.id, { listenerId: body.listenerId, serviceType: body.serviceType, units: this.checkUnits(body.units!), balanceId: body.balanceId }));
    }

    let priced: Pick<NewOrder, 'kind' | 'units' | 'unitPriceFen' | 'minutes' | 'subtotalFen' | 'packageId' | 'topic'>;
    if (body.packageId) {
      const pkg = await this.prisma.client.topicPackage.findFirst({ where: { id: body.packageId, listenerId: body.listenerId, active: true, serviceType: body.serviceType } });
      if (!pkg) throw new DomainError('order/package_not_found');
      priced = { kind: 'PACKAGE', units: 1, unitPriceFen: pkg.priceFen, minutes: pkg.minutes, subtotalFen: pkg.priceFen, packageId: pkg.id, topic: pkg.topic };
    } else {
      const unitPrice = body.serviceType === 'TEXT' ? listener.priceTextFen : listener.priceVoiceFen;
      if (unitPrice === null || unitPrice <= 0) throw new DomainError('order/service_not_offered');
      const units = this.checkUnits(body.units!);
      priced = { kind: 'SESSION', units, unitPriceFen: unitPrice, minutes: units * 15, subtotalFen: unitPrice * units, packageId: null, topic: body.topic ?? null };
    }
    const pointsDiscountFen = this.pointsDiscount(user.id, priced.subtotalFen);
    const order = this.newOrder({
      ...priced, talkerId: user.id, listenerId: body.listenerId, serviceType: body.serviceType, pointsDiscountFen,
      totalFen: priced.subtotalFen - pointsDiscountFen, parentOrderId: null, giftCode: null,
    });
    if (!checkout) return placed(await this.insert(order, user.id, '下单'));
    const { prepayId, requestPayment } = await this.requestPrepay(order, listener.talkerOpenid!);
    const back = checkout.returnUrl?.replaceAll(ORDER_ID_PLACEHOLDER, order.id).replaceAll(encodeURIComponent(ORDER_ID_PLACEHOLDER), order.id);
    return placed(await this.insert({ ...order, prepayId }, user.id, '下单'), this.payAnswer(prepayId, requestPayment, back));
  }

  /** 1–ORDER_MAX_UNITS units of 15 minutes, else 400. */
  checkUnits(units: number): number {
    if (!Number.isInteger(units) || units < 1 || units > this.config.ORDER_MAX_UNITS) {
      throw new DomainError('order/units_out_of_range', `购买时长须为 1–${this.config.ORDER_MAX_UNITS} 个 15 分钟`, [{ field: 'units', problem: `须为 1–${this.config.ORDER_MAX_UNITS}` }]);
    }
    return units;
  }

  /**
   * Writes a new PENDING_PAYMENT order of any kind (priced by the caller), its first history row
   * and its payment-expiry timer in one transaction. Sessions use it for extensions and gifts.
   */
  open(fields: Omit<NewOrder, 'id' | 'outTradeNo' | 'payBy'>, actorId: string, reason: string): Promise<Order> {
    return this.insert(this.newOrder(fields), actorId, reason);
  }

  /** The order's id, its number at WeChat Pay and its payment deadline, fixed before anything is written. */
  private newOrder(fields: Omit<NewOrder, 'id' | 'outTradeNo' | 'payBy'>): NewOrder {
    const id = randomUUID();
    return { ...fields, id, outTradeNo: id.replace(/-/g, ''), payBy: new Date(Date.now() + this.config.ORDER_PAY_MINUTES * 60_000) };
  }

  private async insert(fields: NewOrder, actorId: string, reason: string): Promise<Order> {
    // One statement (atomic by itself, one round trip): the order, its first history row, its expiry timer.
    const [insertOrder, orderValues] = insertOrderSql(fields);
    const transition = orderValues.length + 1;
    const timer = this.scheduler.jobUpsertSql(ORDER_EXPIRE_JOB, fields.id, fields.payBy, {}, transition + 3);
    const [order] = await this.prisma.sql.query<Order>(
      `WITH o AS (${insertOrder}),
            t AS (INSERT INTO order_transitions (id, order_id, "from", "to", actor_id, reason)
                  SELECT $${transition}::uuid, o.id, NULL, 'PENDING_PAYMENT', $${transition + 1}::uuid, $${transition + 2}::text FROM o),
            j AS (${timer.text})
       SELECT * FROM o`,
      [...orderValues, randomUUID(), actorId, reason, ...timer.values],
    );
    return order;
  }

  /** The points hook (PRODUCT.md §9, at most 20 % of the subtotal): no points yet, so no discount. */
  private pointsDiscount(_talkerId: string, _subtotalFen: number): number {
    return 0;
  }

  async pay(user: AuthUser, orderId: string, returnUrl?: string): Promise<PayAnswer> {
    return this.prepay(await this.partyOrder(user.id, orderId, 'talker'), returnUrl);
  }

  /** The JSAPI prepay of an unpaid order (made once, kept), signed for `wx.requestPayment`. */
  private async prepay(order: OrderWithPayer, returnUrl?: string): Promise<PayAnswer> {
    if (order.status !== 'PENDING_PAYMENT' || order.payBy.getTime() <= Date.now()) throw new DomainError('order/not_payable');
    if (order.prepayId) return this.payAnswer(order.prepayId, requestPaymentParams(this.settings.pay.appid, order.prepayId, this.settings.pay.merchantPrivateKey), returnUrl);
    const prepay = await this.requestPrepay(order, order.talkerOpenid!, order);
    await this.prisma.sql.query(`UPDATE orders SET prepay_id = $2, updated_at = now() WHERE id = $1 AND status = 'PENDING_PAYMENT' AND prepay_id IS NULL`, [order.id, prepay.prepayId]);
    return this.payAnswer(prepay.prepayId, prepay.requestPayment, returnUrl);
  }

  /**
   * Asks WeChat Pay for the prepay order. For a `stored` order whose number WeChat Pay already
   * knows as paid or closed (an earlier prepay went through, its answer was lost), the payment is
   * synced and the order is not payable (409); any other failure is 502 `order/payment_unavailable`.
   */
  private async requestPrepay(order: NewOrder, payerOpenid: string, stored?: Order): Promise<{ prepayId: string; requestPayment: RequestPaymentParams }> {
    try {
      const { prepayId, ...requestPayment } = await this.wxpay.prepayJsapi({
        description: this.description(order),
        outTradeNo: order.outTradeNo,
        amountFen: order.totalFen,
        payerOpenid,
        expiresAt: order.payBy,
        attach: order.id,
      });
      return { prepayId, requestPayment };
    } catch (err) {
      if (stored && err instanceof WechatPayError && (err.code === 'ORDERPAID' || err.code === 'ORDER_CLOSED')) {
        await this.syncPayment(stored);
        throw new DomainError('order/not_payable');
      }
      this.logger.error({ err, orderId: order.id }, 'JSAPI prepay failed');
      throw new DomainError('order/payment_unavailable');
    }
  }

  private payAnswer(prepayId: string, requestPayment: RequestPaymentParams, returnUrl?: string): PayAnswer {
    const cashierUrl = this.settings.simulated
      ? `${this.config.WECHAT_SIM_URL.replace(/\/+$/, '')}/__sim/cashier?prepay_id=${encodeURIComponent(prepayId)}${returnUrl ? `&return_url=${encodeURIComponent(returnUrl)}` : ''}`
      : null;
    return { requestPayment, cashierUrl };
  }

  private description(order: Pick<Order, 'kind' | 'minutes' | 'serviceType'> & Partial<Pick<Order, 'termDays'>>): string {
    switch (order.kind) {
      case 'PACKAGE':
        return `倾听-主题套餐 ${order.minutes}分钟`;
      case 'EXTENSION':
        return `倾听-续时 ${order.minutes}分钟`;
      case 'GIFT':
        return '倾听-礼物';
      case 'GROUP_MEMBERSHIP':
        return `倾听-付费群组 ${order.termDays}天`;
      default:
        return `倾听-${SERVICE_LABEL[order.serviceType]} ${order.minutes}分钟`;
    }
  }

  /** The client says it paid: ask WeChat Pay (the notification may be late) and apply a success as the notification would. */
  async sync(user: AuthUser, orderId: string): Promise<OrderView> {
    const order = await this.partyOrder(user.id, orderId, 'talker');
    if (order.status === 'PENDING_PAYMENT' && order.prepayId) await this.syncPayment(order);
    return this.view(user.id, orderId, true);
  }

  private async syncPayment(order: Order): Promise<void> {
    let transaction: Transaction;
    try {
      transaction = await this.wxpay.queryByOutTradeNo(order.outTradeNo);
    } catch (err) {
      if (err instanceof WechatPayError && err.code === 'ORDER_NOT_EXIST') return;
      this.logger.warn({ err, orderId: order.id }, 'WeChat Pay query failed');
      return;
    }
    if (transaction.trade_state === 'SUCCESS' || transaction.trade_state === 'REFUND') {
      await eventTransaction(this.prisma, (tx) => this.applyPaymentIn(tx, transaction, 'query'));
    }
  }

  /**
   * A successful payment reported by WeChat Pay (notification or query). Checked against the
   * order (merchant, app, amount, payer); a mismatch or an unknown order is recorded with an
   * alert and changes nothing (no throw: a retry would not make it right). PENDING_PAYMENT →
   * PAID with its ledger posting and timers; a payment for a CLOSED order is refunded in full;
   * anything already applied is a no-op.
   */
  applyPayment(tx: Prisma.TransactionClient, t: Transaction, source: PaymentSource): Promise<PaymentOutcome> {
    return this.applyPaymentIn(eventTx(tx), t, source);
  }

  /**
   * `applyPayment` in either kind of transaction (see `EventTx`). The common case, an order with
   * an accept step (SESSION, PACKAGE) going PENDING_PAYMENT → PAID, is plain SQL: one locking read
   * and one statement for the move, its posting and its timers. The rest needs Prisma code and
   * asks for it (`prismaOf`) before writing anything: alerts (the audit log), a payment for a
   * closed order (a refund), and kinds without an accept step, which other modules take on in
   * the `paid` hook (extensions, gifts, group memberships).
   */
  private async applyPaymentIn(tx: EventTx, t: Transaction, source: PaymentSource): Promise<PaymentOutcome> {
    // Locked from the start: timer rows are only taken with SKIP LOCKED below, so holding the
    // order first cannot deadlock with its expiry job (which holds its job row, then the order).
    const [order] = await tx.sql.query<OrderWithPayer>(`SELECT ${ORDER_WITH_PAYER_COLUMNS} FROM orders WHERE out_trade_no = $1 FOR UPDATE`, [t.out_trade_no]);
    if (!order) {
      await this.alert(tx, 'order.payment_unknown_order', t.out_trade_no, { source, outTradeNo: t.out_trade_no, transactionId: t.transaction_id, amount: t.amount?.total });
      return 'ignored';
    }
    const problems: string[] = [];
    if (t.trade_state !== 'SUCCESS' && t.trade_state !== 'REFUND') problems.push(`trade_state ${t.trade_state}`);
    if (t.mchid !== this.settings.pay.mchid) problems.push('mchid');
    if (t.appid !== this.settings.pay.appid) problems.push('appid');
    if (t.amount?.total !== order.totalFen) problems.push(`amount ${t.amount?.total} ≠ ${order.totalFen}`);
    if (!order.talkerOpenid || t.payer?.openid !== order.talkerOpenid) problems.push('payer');
    if (!t.transaction_id) problems.push('transaction_id');
    if (problems.length) {
      await this.alert(tx, 'order.payment_mismatch', order.id, { source, problems, transactionId: t.transaction_id, amount: t.amount?.total });
      return 'ignored';
    }
    if (order.transactionId) {
      if (order.transactionId !== t.transaction_id) await this.alert(tx, 'order.payment_duplicate', order.id, { source, transactionId: t.transaction_id, recorded: order.transactionId });
      return 'already_paid';
    }
    const paidAt = t.success_time ? new Date(t.success_time) : new Date();
    const commissionPercent =
      order.kind === 'GIFT' ? this.config.COMMISSION_GIFT_PERCENT : order.kind === 'GROUP_MEMBERSHIP' ? this.config.COMMISSION_GROUP_PERCENT : this.config.COMMISSION_SESSION_PERCENT;
    const posting = { kind: 'PAYMENT', idempotencyKey: paymentKey(order.id), orderId: order.id, entries: paymentLines(order.listenerId, order.totalFen, commissionPercent) };
    if (order.status === 'CLOSED') {
      // Paid after we closed it (WeChat accepted the payment anyway): keep the money straight and give it all back.
      const prisma = prismaOf(tx);
      await prisma.order.updateMany({ where: { id: order.id, status: 'CLOSED', transactionId: null }, data: { transactionId: t.transaction_id, paidAt } });
      await this.ledger.post(prisma, posting);
      await this.alert(tx, 'order.paid_after_close', order.id, { source, transactionId: t.transaction_id });
      await this.refunds.refund(order.id, order.totalFen, '订单关闭后收到付款，自动全额退款', null, prisma);
      return 'refunding_late_payment';
    }
    if (order.status !== 'PENDING_PAYMENT') {
      await this.alert(tx, 'order.payment_unexpected_state', order.id, { source, status: order.status, transactionId: t.transaction_id });
      return 'ignored';
    }
    const acceptStep = order.kind === 'SESSION' || order.kind === 'PACKAGE';
    // Extensions, gifts and memberships have no accept step: other modules take them on in the `paid` hook (Prisma code).
    const hookTx = acceptStep ? null : prismaOf(tx);
    const acceptBy = new Date(Date.now() + this.config.ORDER_ACCEPT_MINUTES * 60_000);
    const reason = source === 'notification' ? '微信支付通知：支付成功' : '查询微信支付：支付成功';
    // The move, its posting and its timers: one statement, one round trip.
    const changes: CteBuilder[] = [
      (first) => moveOrderSql(order.id, 'PENDING_PAYMENT', 'PAID', { actorId: null, reason, data: { transactionId: t.transaction_id, paidAt, acceptBy } }, first),
      (first) => postingSql(posting, first),
    ];
    if (source !== 'expire') {
      // The expiry timer goes. If its job is running right now (its row locked), it is skipped, not
      // waited for: it will find the order paid. The expiry job itself ('expire') keeps its row, which the scheduler marks done.
      changes.push((first) => cte('expiry', this.scheduler.jobCancelSql(ORDER_EXPIRE_JOB, order.id, first)));
    }
    if (order.kind === 'PACKAGE') {
      const expiresAt = new Date(paidAt.getTime() + this.config.PACKAGE_VALID_DAYS * 86_400_000);
      changes.push((first) => ({
        text: `balance AS (INSERT INTO package_balances (id, order_id, talker_id, listener_id, minutes_total, minutes_left, expires_at)
                           VALUES ($${first}::uuid, $${first + 1}::uuid, $${first + 2}::uuid, $${first + 3}::uuid, $${first + 4}::int, $${first + 4}::int, $${first + 5}::timestamptz))`,
        values: [randomUUID(), order.id, order.talkerId, order.listenerId, order.minutes, expiresAt],
      }));
      changes.push((first) => cte('package_expiry', this.scheduler.jobUpsertSql(PACKAGE_EXPIRE_JOB, order.id, expiresAt, {}, first)));
    }
    if (acceptStep) {
      changes.push(
        (first) => cte('accept_timer', this.scheduler.jobUpsertSql(ORDER_ACCEPT_TIMEOUT_JOB, order.id, acceptBy, {}, first)),
        (first) => cte('paid_job', this.scheduler.jobUpsertSql(ORDER_PAID_JOB, order.id, new Date(), paidJobPayload(order), first)),
      );
    }
    const [text, values] = withCtes(changes, 'SELECT count(*)::int AS moved FROM moved');
    const [{ moved }] = await tx.sql.query<{ moved: number }>(text, values);
    // Cannot happen while the row is locked; if it did, the rollback keeps the timers and the posting from going in alone.
    if (moved === 0) throw new DomainError('order/state_changed');
    if (hookTx) await this.hooks.run('paid', { ...order, status: 'PAID', transactionId: t.transaction_id!, paidAt, acceptBy }, hookTx);
    return 'paid';
  }

  /**
   * Runs once after a payment commits: the listener is told (the response-rate counters move
   * when they decide, see ListenerStatsService). Online: a push to the open mini-program (the
   * workbench chimes), with no read (the job carries the listener); otherwise a WeChat subscribe
   * message, which needs the order. A job written without the listener reads the order first.
   */
  private async afterPaid(orderId: string, listenerId: string | undefined): Promise<void> {
    let order: (Order & { listenerOpenid: string | null }) | undefined;
    const read = async () =>
      (order ??= (
        await this.prisma.sql.query<Order & { listenerOpenid: string | null }>(
          `SELECT ${ORDER_COLUMNS}, (SELECT openid FROM users u WHERE u.id = orders.listener_id AND u.deleted_at IS NULL) AS "listenerOpenid" FROM orders WHERE id = $1`,
          [orderId],
        )
      )[0]);
    const to = listenerId ?? (await read())?.listenerId;
    if (!to) return;
    try {
      if (await this.realtime.isOnline(to)) {
        await this.realtime.toUser(to, { type: 'order', orderId, event: 'paid' });
        return;
      }
      await read();
      if (!order?.listenerOpenid) return;
      await this.wechat.sendSubscribeMessage({
        touser: order.listenerOpenid,
        template_id: this.config.WECHAT_TEMPLATE_ORDER_PAID,
        page: `packages/orders/detail?id=${order.id}`,
        data: {
          thing1: { value: `${this.description(order).replace('倾听-', '')}`.slice(0, 20) },
          amount2: { value: `${(order.totalFen / 100).toFixed(2)}元` },
          time3: { value: new Date((order.acceptBy ?? new Date()).getTime() + 8 * 3600_000).toISOString().slice(0, 16).replace('T', ' ') },
          thing4: { value: `请在${this.config.ORDER_ACCEPT_MINUTES}分钟内接单` },
        },
      });
    } catch (err) {
      this.logger.warn({ err, orderId }, 'could not notify the listener of a paid order');
    }
  }

  // --- the talker cancels, the listener accepts or declines ---

  async cancel(user: AuthUser, orderId: string, reason?: string): Promise<OrderView> {
    let order: Order = await this.partyOrder(user.id, orderId, 'talker');
    if (order.status === 'PENDING_PAYMENT') {
      const closed = await this.closeAtWechat(order);
      if (closed === 'paid') {
        order = (await this.prisma.client.order.findUnique({ where: { id: orderId } }))!;
      } else {
        await this.prisma.client.$transaction(async (tx) => {
          await this.scheduler.cancel(ORDER_EXPIRE_JOB, order.id, tx);
          await moveOrder(tx, order.id, 'PENDING_PAYMENT', 'CLOSED', { actorId: user.id, reason: `用户取消${reason ? `：${reason}` : ''}`, data: { closedAt: new Date() }, code: 'order/not_cancellable' });
        });
        return this.view(user.id, orderId, true);
      }
    }
    if (order.status !== 'PAID') throw new DomainError('order/not_cancellable');
    const refund = await this.prisma.client.$transaction(async (tx) => {
      await this.scheduler.cancel(ORDER_ACCEPT_TIMEOUT_JOB, order.id, tx);
      const current = await lockOrder(tx, order.id);
      if (current?.status !== 'PAID') throw new DomainError('order/not_cancellable');
      return this.refundInFull(tx, current, `用户在接单前取消，全额退款${reason ? `：${reason}` : ''}`, user.id);
    });
    await this.submitNow(refund);
    return this.view(user.id, orderId, true);
  }

  async accept(user: AuthUser, orderId: string): Promise<OrderView> {
    const order = await this.partyOrder(user.id, orderId, 'listener');
    if (order.status !== 'PAID') throw new DomainError('order/not_acceptable');
    const acceptedAt = new Date();
    const seconds = Math.max(0, Math.round((acceptedAt.getTime() - (order.paidAt ?? acceptedAt).getTime()) / 1000));
    await this.prisma.client.$transaction(async (tx) => {
      await this.scheduler.cancel(ORDER_ACCEPT_TIMEOUT_JOB, order.id, tx);
      await moveOrder(tx, order.id, 'PAID', 'ACCEPTED', { actorId: user.id, reason: '倾听者接单', data: { acceptedAt }, code: 'order/not_acceptable' });
      await this.stats.recordAccepted(order.listenerId, seconds, tx);
      await this.hooks.run('accepted', (await tx.order.findUnique({ where: { id: order.id } }))!, tx);
    });
    return this.view(user.id, orderId, true);
  }

  async decline(user: AuthUser, orderId: string, reason: string): Promise<OrderView> {
    const order = await this.partyOrder(user.id, orderId, 'listener');
    if (order.status !== 'PAID') throw new DomainError('order/not_acceptable');
    const refund = await this.prisma.client.$transaction(async (tx) => {
      await this.scheduler.cancel(ORDER_ACCEPT_TIMEOUT_JOB, order.id, tx);
      const current = await lockOrder(tx, order.id);
      if (current?.status !== 'PAID') throw new DomainError('order/not_acceptable');
      await this.stats.recordMissed(current.listenerId, tx);
      return this.refundInFull(tx, current, `倾听者拒单，全额退款：${reason}`, user.id);
    });
    await this.submitNow(refund);
    return this.view(user.id, orderId, true);
  }

  // --- timers ---

  /** Unpaid at payBy: close at WeChat Pay first; if WeChat says it was paid, apply the payment instead. */
  private async expire(orderId: string, tx: Prisma.TransactionClient): Promise<void> {
    const order = await tx.order.findUnique({ where: { id: orderId } });
    if (!order || order.status !== 'PENDING_PAYMENT') return;
    if (order.prepayId) {
      const closed = await this.closeAtWechat(order, tx);
      if (closed === 'paid') return;
    }
    await moveOrder(tx, order.id, 'PENDING_PAYMENT', 'CLOSED', { actorId: null, reason: `超过${this.config.ORDER_PAY_MINUTES}分钟未支付，订单关闭`, data: { closedAt: new Date() } });
  }

  /**
   * Closes the WeChat Pay order. 'paid' when WeChat says it was paid meanwhile (the payment is
   * then applied: in `tx` when given, else in its own transaction); transport failures throw.
   */
  private async closeAtWechat(order: Order, tx?: Prisma.TransactionClient): Promise<'closed' | 'paid'> {
    if (!order.prepayId) return 'closed';
    try {
      await this.wxpay.close(order.outTradeNo);
      return 'closed';
    } catch (err) {
      if (!(err instanceof WechatPayError)) throw err;
      if (err.code === 'ORDER_NOT_EXIST') return 'closed';
      if (err.code !== 'ORDERPAID') throw err;
    }
    const transaction = await this.wxpay.queryByOutTradeNo(order.outTradeNo);
    if (tx) await this.applyPayment(tx, transaction, 'expire');
    else await eventTransaction(this.prisma, (t) => this.applyPaymentIn(t, transaction, 'query'));
    return 'paid';
  }

  /** Still PAID at acceptBy: the listener did not accept in time, full refund. */
  private async acceptTimeout(orderId: string, tx: Prisma.TransactionClient): Promise<void> {
    const order = await lockOrder(tx, orderId);
    if (!order || order.status !== 'PAID') return;
    await this.stats.recordMissed(order.listenerId, tx);
    await this.refundInFull(tx, order, `倾听者${this.config.ORDER_ACCEPT_MINUTES}分钟内未接单，自动全额退款`, null);
  }

  /**
   * Everything not yet refunded goes back, in the caller's transaction with the order locked:
   * money through `RefundService` (returned, to be submitted after the commit), or the minutes
   * of a package-funded order to its package (null: nothing to submit).
   */
  async refundInFull(tx: Prisma.TransactionClient, order: Order, reason: string, actorId: string | null): Promise<Refund | null> {
    if (isPackageFunded(order)) {
      await this.packages.returnAll(tx, order, reason, actorId);
      return null;
    }
    return this.refunds.refund(order.id, await this.refunds.refundable(tx, order), reason, actorId, tx);
  }

  /** Sends a committed refund to WeChat Pay now (the refund job would, a moment later). */
  private async submitNow(refund: Refund | null): Promise<void> {
    if (refund) await this.refunds.submit(refund.id).catch((err) => this.logger.warn({ err, refundId: refund.id }, 'refund submit failed; the job retries'));
  }

  // --- reading ---

  async list(user: AuthUser, query: ListOrdersQuery): Promise<Page<OrderView>> {
    const rows = await this.prisma.client.order.findMany({
      where: { ...(query.role === 'listener' ? { listenerId: user.id } : { talkerId: user.id }), ...(query.status ? { status: query.status } : {}), ...olderThan(query.cursor) },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: query.limit + 1,
    });
    const users = await this.usersOf(rows);
    return pageOf(rows, query.limit, (o) => toOrderView(o, users, user.id));
  }

  async get(user: AuthUser, orderId: string): Promise<OrderView> {
    await this.partyOrder(user.id, orderId);
    return this.view(user.id, orderId, true);
  }

  private async view(viewerId: string, orderId: string, withTransitions = false): Promise<OrderView> {
    const order = await this.prisma.client.order.findUniqueOrThrow({ where: { id: orderId }, include: withTransitions ? { transitions: { orderBy: [{ at: 'asc' }, { id: 'asc' }] } } : undefined });
    const users = await this.usersOf([order]);
    return toOrderView(order, users, viewerId, withTransitions ? (order as typeof order & { transitions: never[] }).transitions : undefined);
  }

  async usersOf(orders: Pick<Order, 'talkerId' | 'listenerId'>[]): Promise<Map<string, PublicUser>> {
    const ids = [...new Set(orders.flatMap((o) => [o.talkerId, o.listenerId]))];
    const users = ids.length ? await this.prisma.sql.query<PublicUser>('SELECT id, alias, avatar_seed AS "avatarSeed" FROM users WHERE id = ANY($1::uuid[])', [ids]) : [];
    return new Map(users.map((u) => [u.id, u]));
  }

  /** The order if the caller is a party to it (else 404, nothing revealed); 403 when in the wrong role. */
  private async partyOrder(userId: string, orderId: string, role?: 'talker' | 'listener'): Promise<OrderWithPayer> {
    const [order] = await this.prisma.sql.query<OrderWithPayer>(`SELECT ${ORDER_WITH_PAYER_COLUMNS} FROM orders WHERE id = $1`, [orderId]);
    if (!order || (order.talkerId !== userId && order.listenerId !== userId)) throw new DomainError('order/not_found');
    if (role === 'talker' && order.talkerId !== userId) throw new DomainError('order/forbidden');
    if (role === 'listener' && order.listenerId !== userId) throw new DomainError('order/forbidden');
    return order;
  }

  private async alert(tx: EventTx, action: string, subjectId: string, detail: Record<string, unknown>): Promise<void> {
    const prisma = prismaOf(tx);
    this.logger.error({ action, subjectId, ...detail }, `ALERT: ${action}`);
    await this.audit.record({ actorId: null, action, subjectType: 'order', subjectId, detail }, prisma);
  }
}
