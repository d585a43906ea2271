import { randomUUID } from 'node:crypto';
import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { inTx, type Order, type OrderStatus, type Prisma, type ServiceType } from '@qingting/prisma';
import { DomainError } from '../common/errors/domain-error';
import { PrismaService } from '../infra/database/prisma.service';
import { AppConfig } from '../infra/config/app-config';
import { SchedulerService } from '../scheduler/scheduler.service';
import { OrderHooks } from './order-hooks';
import { ORDER_ACCEPT_TIMEOUT_JOB, ORDER_PAID_JOB, PACKAGE_EXPIRE_JOB, paidJobPayload } from './order-jobs';
import { insertOrderSql } from './order-rows';
import { lockOrder, moveOrder } from './order-state';

/** A talker's minutes balance with one listener, as the API shows it. */
export interface PackageBalanceView {
  id: string;
  /** The PACKAGE order that bought it. */
  orderId: string;
  listenerId: string;
  serviceType: ServiceType;
  topic: string | null;
  minutesTotal: number;
  minutesLeft: number;
  expiresAt: string;
  /** Minutes can be spent now: the listener accepted the package, it has not expired, minutes are left. */
  usable: boolean;
}

interface BalanceRow {
  id: string;
  orderId: string;
  talkerId: string;
  listenerId: string;
  minutesTotal: number;
  minutesLeft: number;
  expiresAt: Date;
  packageStatus: OrderStatus;
  serviceType: ServiceType;
  topic: string | null;
}

const BALANCE_COLUMNS = `pb.id, pb.order_id AS "orderId", pb.talker_id AS "talkerId", pb.listener_id AS "listenerId",
  pb.minutes_total AS "minutesTotal", pb.minutes_left AS "minutesLeft", pb.expires_at AS "expiresAt",
  po.status AS "packageStatus", po.service_type AS "serviceType", po.topic`;

/** A SESSION order paid with package minutes rather than money: its parent is the PACKAGE order. */
export function isPackageFunded(order: Pick<Order, 'kind' | 'parentOrderId'>): boolean {
  return order.kind === 'SESSION' && order.parentOrderId !== null;
}

/** Orders spending a package that may still give minutes back. */
const OPEN_SPEND_STATES: readonly OrderStatus[] = ['PAID', 'ACCEPTED', 'IN_SESSION'];

/**
 * Topic packages (PRODUCT.md §3): minutes bought from one listener, spent over several sessions
 * within PACKAGE_VALID_DAYS.
 *
 * - Spending: a SESSION order whose parent is the PACKAGE order, priced 0 fen, born PAID with its
 *   minutes taken from the balance in the same transaction (a locked balance row, so two spends
 *   at once never overdraw it). From there it is an ordinary session order (accept, session).
 * - Every automatic refund rule gives minutes back instead of money: a decline, an accept
 *   timeout, a cancel before acceptance and a no-show return all of the order's minutes (the
 *   order goes REFUNDING → REFUNDED, no WeChat refund); an early end returns the minutes not
 *   charged by the same rule as money (used to the second, rounded down to whole minutes in the
 *   talker's favour, one 15-minute unit at least when the talker ends). A dispute can only be
 *   decided NONE (`dispute/package_funded`): the minutes it charged are not recorded apart from
 *   its history, and the package may have completed since; finance refunds the package order.
 * - The PACKAGE order itself (ACCEPTED once its listener took it on) completes when its minutes
 *   are used up and nothing spending it is open, or at expiry, when unused minutes lapse (the
 *   purchase page says so). On completion the listener's earnings start their dispute window
 *   (the `completed` order hook). A refund of the PACKAGE order voids what is left of the balance
 *   (`RefundService`).
 */
@Injectable()
export class PackageMinutesService implements OnModuleInit {
  private readonly logger = new Logger(PackageMinutesService.name);

  constructor(
    private readonly prisma: PrismaService,
    private readonly config: AppConfig,
    private readonly scheduler: SchedulerService,
    private readonly hooks: OrderHooks,
  ) {}

  onModuleInit(): void {
    this.scheduler.register(PACKAGE_EXPIRE_JOB, (job, tx) => this.expire(job.key, tx));
  }

  /** The talker's balances, newest first (usable ones first). */
  async balances(talkerId: string, listenerId?: string): Promise<PackageBalanceView[]> {
    const rows = await this.prisma.sql.query<BalanceRow>(
      `SELECT ${BALANCE_COLUMNS} FROM package_balances pb JOIN orders po ON po.id = pb.order_id
        WHERE pb.talker_id = $1 AND ($2::uuid IS NULL OR pb.listener_id = $2::uuid)
        ORDER BY pb.expires_at DESC, pb.id LIMIT 100`,
      [talkerId, listenerId ?? null],
    );
    const now = Date.now();
    return rows
      .map((b) => ({
        id: b.id,
        orderId: b.orderId,
        listenerId: b.listenerId,
        serviceType: b.serviceType,
        topic: b.topic,
        minutesTotal: b.minutesTotal,
        minutesLeft: b.minutesLeft,
        expiresAt: b.expiresAt.toISOString(),
        usable: this.usable(b, now),
      }))
      .sort((a, b) => Number(b.usable) - Number(a.usable));
  }

  /**
   * A package-funded SESSION order of `units` × 15 minutes (or what is left, when less), paid
   * from balance `balanceId` at once: PAID, waiting for the listener like a paid order.
   */
  async spend(talkerId: string, body: { listenerId: string; serviceType: ServiceType; units: number; balanceId: string }): Promise<Order> {
    const order = await this.prisma.client.$transaction(async (tx) => {
      const db = inTx(tx);
      const [balance] = await db.query<BalanceRow>(
        `SELECT ${BALANCE_COLUMNS} FROM package_balances pb JOIN orders po ON po.id = pb.order_id WHERE pb.id = $1::uuid FOR UPDATE OF pb`,
        [body.balanceId],
      );
      if (!balance || balance.talkerId !== talkerId || balance.listenerId !== body.listenerId) throw new DomainError('order/package_balance_not_found');
      if (balance.serviceType !== body.serviceType) throw new DomainError('order/package_service_mismatch');
      if (balance.packageStatus !== 'ACCEPTED') throw new DomainError('order/package_not_usable');
      if (balance.expiresAt.getTime() <= Date.now()) throw new DomainError('order/package_expired');
      if (balance.minutesLeft <= 0) throw new DomainError('order/package_used_up');
      const minutes = Math.min(body.units * 15, balance.minutesLeft);
      await db.query('UPDATE package_balances SET minutes_left = minutes_left - $2 WHERE id = $1::uuid', [balance.id, minutes]);

      const id = randomUUID();
      const now = new Date();
      const acceptBy = new Date(now.getTime() + this.config.ORDER_ACCEPT_MINUTES * 60_000);
      const [text, values] = insertOrderSql({
        id,
        outTradeNo: id.replace(/-/g, ''),
        kind: 'SESSION',
        talkerId,
        listenerId: body.listenerId,
        serviceType: body.serviceType,
        topic: balance.topic as Order['topic'],
        units: Math.ceil(minutes / 15),
        unitPriceFen: 0,
        minutes,
        packageId: null,
        subtotalFen: 0,
        pointsDiscountFen: 0,
        totalFen: 0,
        payBy: now,
        parentOrderId: balance.orderId,
        giftCode: null,
      });
      await db.query(text, values);
      await tx.orderTransition.create({ data: { orderId: id, from: null, to: 'PENDING_PAYMENT', actorId: talkerId, reason: `使用套餐时长下单 ${minutes} 分钟` } });
      await moveOrder(tx, id, 'PENDING_PAYMENT', 'PAID', { actorId: talkerId, reason: `以套餐时长支付 ${minutes} 分钟（套餐剩余 ${balance.minutesLeft - minutes} 分钟）`, data: { paidAt: now, acceptBy } });
      await this.scheduler.schedule(ORDER_ACCEPT_TIMEOUT_JOB, id, acceptBy, {}, tx);
      await this.scheduler.schedule(ORDER_PAID_JOB, id, now, paidJobPayload(balance), tx);
      return (await tx.order.findUnique({ where: { id } }))!;
    });
    return order;
  }

  /**
   * Every minute of a package-funded order back to its balance; the order REFUNDING → REFUNDED
   * (two history rows, no money moves). Inside the caller's transaction, the order locked.
   */
  async returnAll(tx: Prisma.TransactionClient, order: Order, reason: string, actorId: string | null): Promise<void> {
    await moveOrder(tx, order.id, order.status, 'REFUNDING', { actorId, reason: `${reason}（退回套餐时长 ${order.minutes} 分钟）`, code: 'order/not_refundable' });
    await moveOrder(tx, order.id, 'REFUNDING', 'REFUNDED', { actorId, reason: `已退回套餐时长 ${order.minutes} 分钟` });
    await this.credit(tx, order, order.minutes);
  }

  /**
   * The session of a package-funded order ended: IN_SESSION → COMPLETED, charged
   * `chargedSeconds` rounded down to whole minutes, the rest of its minutes back to the balance.
   */
  async settleUsed(tx: Prisma.TransactionClient, order: Order, chargedSeconds: number, reason: string, actorId: string | null): Promise<void> {
    const charged = Math.min(order.minutes, Math.floor(chargedSeconds / 60));
    const back = order.minutes - charged;
    await moveOrder(tx, order.id, 'IN_SESSION', 'COMPLETED', { actorId, reason: `${reason}，计 ${charged} 分钟套餐时长${back > 0 ? `，退回 ${back} 分钟` : ''}` });
    await this.credit(tx, order, back);
  }

  /** Minutes back to the balance (unless it has expired), then the package completes if nothing is left to spend. */
  private async credit(tx: Prisma.TransactionClient, order: Order, minutes: number): Promise<void> {
    const packageOrderId = order.parentOrderId!;
    // After the expiry, returned minutes lapse with the rest.
    if (minutes > 0) await tx.packageBalance.updateMany({ where: { orderId: packageOrderId, expiresAt: { gt: new Date() } }, data: { minutesLeft: { increment: minutes } } });
    await this.completeIfUsedUp(tx, packageOrderId);
  }

  private async completeIfUsedUp(tx: Prisma.TransactionClient, packageOrderId: string): Promise<void> {
    const balance = await tx.packageBalance.findUnique({ where: { orderId: packageOrderId } });
    if (!balance || balance.minutesLeft > 0 || (await this.spending(tx, packageOrderId))) return;
    await this.complete(tx, packageOrderId, `套餐 ${balance.minutesTotal} 分钟已全部用完`);
  }

  /** The package's expiry: unused minutes lapse and the package completes (spends under way finish first). */
  private async expire(packageOrderId: string, tx: Prisma.TransactionClient): Promise<void> {
    const balance = await tx.packageBalance.findUnique({ where: { orderId: packageOrderId } });
    if (!balance) return;
    const lapsed = balance.minutesLeft;
    await tx.packageBalance.update({ where: { id: balance.id }, data: { minutesLeft: 0 } });
    if (await this.spending(tx, packageOrderId)) return; // the last of them completes the package when it settles
    await this.complete(tx, packageOrderId, `套餐到期${lapsed > 0 ? `，未使用的 ${lapsed} 分钟已失效` : ''}`);
  }

  private async complete(tx: Prisma.TransactionClient, packageOrderId: string, reason: string): Promise<void> {
    const order = await lockOrder(tx, packageOrderId);
    if (order?.status !== 'ACCEPTED') return; // refunded or already completed
    await moveOrder(tx, order.id, 'ACCEPTED', 'COMPLETED', { actorId: null, reason });
    await this.scheduler.cancel(PACKAGE_EXPIRE_JOB, order.id, tx);
    this.logger.log({ orderId: order.id }, 'package completed');
    await this.hooks.run('completed', { ...order, status: 'COMPLETED' }, tx);
  }

  /** An order spending the package may still give minutes back. */
  private async spending(tx: Prisma.TransactionClient, packageOrderId: string): Promise<boolean> {
    return (await tx.order.count({ where: { parentOrderId: packageOrderId, kind: 'SESSION', status: { in: [...OPEN_SPEND_STATES] } } })) > 0;
  }

  private usable(b: BalanceRow, now: number): boolean {
    return b.packageStatus === 'ACCEPTED' && b.expiresAt.getTime() > now && b.minutesLeft > 0;
  }
}
