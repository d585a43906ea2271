import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import type { Payout, PayoutStatus, Prisma } from '@qingting/prisma';
import { avatarPath, type Page } from '@qingting/shared';
import { AuditService } from '../audit/audit.service';
import { DomainError } from '../common/errors/domain-error';
import { AppConfig } from '../infra/config/app-config';
import { PrismaService } from '../infra/database/prisma.service';
import { payoutPaidLines, payoutReserveLines, payoutReturnLines } from '../ledger/ledger.rules';
import { LedgerService } from '../ledger/ledger.service';
import { olderThan, pageOf } from '../orders/order-view';
import { DueJob, SchedulerService } from '../scheduler/scheduler.service';
import { billDateOf } from '../wechat/protocol/time';
import type { TransferState } from '../wechat/protocol/types';
import { WechatEvents } from '../wechat/wechat-events';
import { WechatPayClient, WechatPayError } from '../wechat/wechat-pay.client';
import { WECHAT_SETTINGS, WechatSettings } from '../wechat/wechat-settings';
import { listenerBalances } from './balances';
import { movePayout, OPEN_PAYOUT_STATUSES, payoutStatusOf } from './payout-state';

export const PAYOUT_SUBMIT_JOB = 'payout.submit';
/** The sweep for a payout whose notification never came: query WeChat, again later while it is still open. */
export const PAYOUT_CHECK_JOB = 'payout.check';
/** When no caller submits right after the commit, the job does (a crash between commit and submit loses nothing). */
const SUBMIT_SAFETY_DELAY_MS = 30_000;
/** Delays between sweeps of one open payout; WeChat cancels an unconfirmed transfer after 24 h, so a few suffice. */
const CHECK_DELAYS_MS = [10, 30, 60, 180, 360, 720].map((m) => m * 60_000);

/** The listener's WeChat shows this in its receipt; scene 1005 (佣金报酬) requires the job and the pay's nature. */
const SCENE_REPORT = [
  { info_type: '岗位类型', info_content: '倾听者' },
  { info_type: '报酬说明', info_content: '倾听服务收益提现' },
];
const USER_RECV_PERCEPTION = '劳务报酬';

export const payoutKey = (payoutId: string, step: 'reserve' | 'paid' | 'return') => `payout:${payoutId}:${step}`;

/** What the mini-program needs to let the listener confirm the transfer (`wx.requestMerchantTransfer`). */
export interface TransferConfirm {
  mchId: string;
  appId: string;
  package: string;
  /** With the simulator (H5 build): POST `<simulatorUrl>/confirm` or `/reject` stands in for WeChat's confirmation page. */
  simulatorUrl: string | null;
}

export interface PayoutView {
  id: string;
  amountFen: number;
  status: PayoutStatus;
  failReason: string | null;
  createdAt: string;
  finishedAt: string | null;
  /** Present while the transfer waits for the listener's confirmation. */
  confirm: TransferConfirm | null;
}

export interface OpsPayoutView {
  id: string;
  listener: { id: string; alias: string; avatarUrl: string };
  amountFen: number;
  status: PayoutStatus;
  outBillNo: string;
  transferBillNo: string | null;
  failReason: string | null;
  createdAt: string;
  updatedAt: string;
  finishedAt: string | null;
}

export interface OpsPayoutDetail extends OpsPayoutView {
  ledger: { transactionId: string; kind: string; account: string; amountFen: number; at: string }[];
}

type TransferResult = { transferBillNo?: string; packageInfo?: string; failReason?: string; amountFen?: number };

/**
 * Withdrawals (PRODUCT.md §11) as WeChat Pay merchant transfers (商家转账). A request is checked
 * and its money reserved (withdrawable → payout) in one transaction under a per-listener lock;
 * the transfer is requested after the commit (retried by `payout.submit`); the listener confirms
 * in the mini-program; the final state arrives by notification, by `sync` or by the
 * `payout.check` sweep. SUCCESS sends the reserve out of clearing; FAIL / CANCELLED return it.
 * Every transition is a conditional update, so each outcome is applied once.
 */
@Injectable()
export class PayoutsService implements OnModuleInit {
  private readonly logger = new Logger(PayoutsService.name);

  constructor(
    private readonly prisma: PrismaService,
    private readonly config: AppConfig,
    private readonly ledger: LedgerService,
    private readonly scheduler: SchedulerService,
    private readonly pay: WechatPayClient,
    private readonly events: WechatEvents,
    private readonly audit: AuditService,
    @Inject(WECHAT_SETTINGS) private readonly settings: WechatSettings,
  ) {}

  onModuleInit(): void {
    this.scheduler.register(PAYOUT_SUBMIT_JOB, (job, tx) => this.submit(job.key, tx));
    this.scheduler.register(PAYOUT_CHECK_JOB, (job, tx) => this.check(job, tx));
    this.events.on('transfer', (event, tx) =>
      this.apply(tx, event.resource.out_bill_no, event.resource.state, { transferBillNo: event.resource.transfer_bill_no, failReason: event.resource.fail_reason, amountFen: event.resource.transfer_amount }, 'notification'),
    );
  }

  // --- the listener ---

  async request(listenerId: string, amountFen: number): Promise<PayoutView> {
    if (amountFen < this.config.PAYOUT_MIN_FEN) {
      throw new DomainError('payout/below_minimum', `提现金额不能低于 ${yuan(this.config.PAYOUT_MIN_FEN)} 元`, [{ field: 'amountFen', problem: `至少 ${this.config.PAYOUT_MIN_FEN} 分` }]);
    }
    const payout = await this.prisma.client.$transaction(async (tx) => {
      // One listener's requests queue here, so the checks below see every earlier request's reserve.
      await tx.$queryRaw`SELECT 1 FROM (SELECT pg_advisory_xact_lock(hashtextextended(${`payout:${listenerId}`}, 0))) AS locked`;
      if (await tx.payout.count({ where: { listenerId, status: { in: [...OPEN_PAYOUT_STATUSES] } } })) throw new DomainError('payout/in_progress');
      const { availableFen } = await listenerBalances(tx, listenerId);
      if (amountFen > availableFen) {
        throw new DomainError(
          'payout/insufficient_balance',
          availableFen < 0 ? `有 ${yuan(-availableFen)} 元退款需从后续收益中扣回，暂时无法提现` : `提现金额超过可提现余额（${yuan(availableFen)} 元）`,
          [{ field: 'amountFen', problem: `最多可提 ${Math.max(0, availableFen)} 分` }],
        );
      }
      const today = await tx.payout.aggregate({
        where: { listenerId, createdAt: { gte: new Date(`${billDateOf(new Date())}T00:00:00+08:00`) }, status: { notIn: ['FAILED', 'CANCELLED'] } },
        _sum: { amountFen: true },
      });
      const left = this.config.PAYOUT_DAILY_LIMIT_FEN - (today._sum.amountFen ?? 0);
      if (amountFen > left) {
        throw new DomainError('payout/daily_limit', `超过今日提现额度，今天还可提现 ${yuan(Math.max(0, left))} 元`, [{ field: 'amountFen', problem: `今天最多还可提 ${Math.max(0, left)} 分` }]);
      }
      const id = randomUUID();
      const created = await tx.payout.create({ data: { id, listenerId, amountFen, outBillNo: id.replace(/-/g, '') } });
      await this.ledger.post(tx, { kind: 'PAYOUT', idempotencyKey: payoutKey(id, 'reserve'), entries: payoutReserveLines(listenerId, amountFen) });
      await this.scheduler.schedule(PAYOUT_SUBMIT_JOB, id, new Date(Date.now() + SUBMIT_SAFETY_DELAY_MS), {}, tx);
      await this.scheduler.schedule(PAYOUT_CHECK_JOB, id, new Date(Date.now() + CHECK_DELAYS_MS[0]), {}, tx);
      return created;
    });
    await this.submit(payout.id).catch((err) => this.logger.error({ err, payoutId: payout.id }, 'transfer submit failed; the job retries'));
    return this.view(await this.prisma.client.payout.findUniqueOrThrow({ where: { id: payout.id } }));
  }

  async list(listenerId: string, query: { cursor?: string; limit: number }): Promise<Page<PayoutView>> {
    const rows = await this.prisma.client.payout.findMany({
      where: { AND: [{ listenerId }, olderThan(query.cursor)] },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: query.limit + 1,
    });
    return pageOf(rows, query.limit, (p) => this.view(p));
  }

  async get(listenerId: string, payoutId: string): Promise<PayoutView> {
    return this.view(await this.own(listenerId, payoutId));
  }

  /** The listener came back from confirming: ask WeChat Pay now rather than wait for the notification. */
  async sync(listenerId: string, payoutId: string): Promise<PayoutView> {
    const payout = await this.own(listenerId, payoutId);
    if (payout.status === 'PENDING') await this.submit(payout.id);
    else if (OPEN_PAYOUT_STATUSES.includes(payout.status)) {
      let bill;
      try {
        bill = await this.pay.queryTransfer(payout.outBillNo);
      } catch (err) {
        this.logger.warn({ err, payoutId }, 'transfer query failed');
        throw new DomainError('payout/wechat_unavailable');
      }
      await this.prisma.client.$transaction((tx) =>
        this.apply(tx, bill.out_bill_no, bill.state, { transferBillNo: bill.transfer_bill_no, failReason: bill.fail_reason, amountFen: bill.transfer_amount }, 'query'),
      );
    }
    return this.get(listenerId, payoutId);
  }

  // --- ops ---

  async opsList(query: { status?: PayoutStatus; listenerId?: string; cursor?: string; limit: number }): Promise<Page<OpsPayoutView>> {
    const rows = await this.prisma.client.payout.findMany({
      where: { AND: [query.status ? { status: query.status } : {}, query.listenerId ? { listenerId: query.listenerId } : {}, olderThan(query.cursor)] },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: query.limit + 1,
    });
    const who = await this.listenersOf(rows.slice(0, query.limit));
    return pageOf(rows, query.limit, (p) => toOpsView(p, who));
  }

  async opsDetail(payoutId: string): Promise<OpsPayoutDetail> {
    const payout = await this.prisma.client.payout.findUnique({ where: { id: payoutId } });
    if (!payout) throw new DomainError('payout/not_found');
    const entries = await this.prisma.client.ledgerEntry.findMany({
      where: { transaction: { idempotencyKey: { startsWith: `payout:${payoutId}:` } } },
      include: { transaction: { select: { kind: true } } },
      // A posting's entries share their time: debits first, as a journal reads.
      orderBy: [{ createdAt: 'asc' }, { transactionId: 'asc' }, { amountFen: 'desc' }],
    });
    return {
      ...toOpsView(payout, await this.listenersOf([payout])),
      ledger: entries.map((e) => ({ transactionId: e.transactionId, kind: e.transaction.kind, account: e.account, amountFen: e.amountFen, at: e.createdAt.toISOString() })),
    };
  }

  // --- WeChat Pay ---

  /**
   * Asks WeChat Pay for the transfer of a PENDING payout (idempotent there by out_bill_no: the
   * request is the same every time). A transport failure leaves it PENDING: inside the job it
   * throws (the scheduler retries), outside it moves the job to a few seconds from now. A refusal
   * fails the payout and returns the money, with an alert.
   */
  async submit(payoutId: string, tx?: Prisma.TransactionClient): Promise<void> {
    const db = tx ?? this.prisma.client;
    const payout = await db.payout.findUnique({ where: { id: payoutId } });
    if (!payout || payout.status !== 'PENDING') return;
    const listener = await db.user.findUniqueOrThrow({ where: { id: payout.listenerId }, select: { openid: true } });
    let answer;
    try {
      answer = await this.pay.createTransfer({
        out_bill_no: payout.outBillNo,
        transfer_scene_id: this.config.WECHAT_TRANSFER_SCENE_ID,
        openid: listener.openid,
        transfer_amount: payout.amountFen,
        transfer_remark: this.config.WECHAT_TRANSFER_REMARK.slice(0, 32),
        user_recv_perception: USER_RECV_PERCEPTION,
        transfer_scene_report_infos: SCENE_REPORT,
      });
    } catch (err) {
      const transport = !(err instanceof WechatPayError) || err.status === 0 || err.status >= 500 || err.code === 'SIGN_INVALID';
      if (transport) {
        if (tx) throw err;
        await this.scheduler.schedule(PAYOUT_SUBMIT_JOB, payoutId, new Date(Date.now() + 5_000));
        this.logger.warn({ err, payoutId }, 'WeChat transfer request failed; retrying');
        return;
      }
      const refused = async (t: Prisma.TransactionClient) => {
        if (!(await this.finish(t, payout, 'FAILED', { failReason: `${err.code}: ${err.message}`.slice(0, 200) }))) return;
        await this.alert(t, 'payout.transfer_refused', payout.id, { code: err.code, message: err.message });
      };
      if (tx) await refused(tx);
      else await this.prisma.client.$transaction(refused);
      return;
    }
    const result = { transferBillNo: answer.transfer_bill_no, packageInfo: answer.package_info };
    if (tx) await this.apply(tx, answer.out_bill_no, answer.state, result, 'query');
    else await this.prisma.client.$transaction((t) => this.apply(t, answer.out_bill_no, answer.state, result, 'query'));
  }

  /**
   * A transfer's state from WeChat (the create answer, a query, a notification): moves the payout
   * and posts its money movement once. An unknown bill or a wrong amount changes nothing and
   * raises an alert.
   */
  async apply(tx: Prisma.TransactionClient, outBillNo: string, state: TransferState, result: TransferResult, source: 'notification' | 'query'): Promise<void> {
    const payout = await tx.payout.findUnique({ where: { outBillNo } });
    if (!payout) {
      await this.alert(tx, 'payout.transfer_unknown', outBillNo, { state, source, transferBillNo: result.transferBillNo, amountFen: result.amountFen });
      return;
    }
    if (result.amountFen !== undefined && result.amountFen !== payout.amountFen) {
      await this.alert(tx, 'payout.transfer_amount_mismatch', payout.id, { state, source, expected: payout.amountFen, reported: result.amountFen });
      return;
    }
    const known = { ...(result.transferBillNo && !payout.transferBillNo ? { transferBillNo: result.transferBillNo } : {}), ...(result.packageInfo ? { packageInfo: result.packageInfo } : {}) };
    const to = payoutStatusOf(state);
    if (to === 'SUCCESS' || to === 'FAILED' || to === 'CANCELLED') {
      await this.finish(tx, payout, to, { ...known, ...(to === 'SUCCESS' ? {} : { failReason: (result.failReason ?? (to === 'CANCELLED' ? '已取消或未确认收款' : '转账失败')).slice(0, 200) }) });
      return;
    }
    if (to && to !== payout.status && (await movePayout(tx, payout.id, to, known))) return;
    if (Object.keys(known).length) await tx.payout.updateMany({ where: { id: payout.id, status: { in: [...OPEN_PAYOUT_STATUSES] } }, data: known });
  }

  /** The final state and its money movement, once: the money leaves (SUCCESS) or goes back to withdrawable. */
  private async finish(tx: Prisma.TransactionClient, payout: Payout, to: 'SUCCESS' | 'FAILED' | 'CANCELLED', data: Prisma.PayoutUpdateManyMutationInput): Promise<boolean> {
    if (!(await movePayout(tx, payout.id, to, data))) return false;
    if (to === 'SUCCESS') {
      await this.ledger.post(tx, { kind: 'PAYOUT_PAID', idempotencyKey: payoutKey(payout.id, 'paid'), entries: payoutPaidLines(payout.listenerId, payout.amountFen) });
    } else {
      await this.ledger.post(tx, { kind: 'PAYOUT_RETURN', idempotencyKey: payoutKey(payout.id, 'return'), entries: payoutReturnLines(payout.listenerId, payout.amountFen) });
      await this.audit.record({ actorId: null, action: `payout.${to.toLowerCase()}`, subjectType: 'payout', subjectId: payout.id, detail: { amountFen: payout.amountFen, reason: data.failReason ?? null } }, tx);
    }
    return true;
  }

  /** The sweep: an open payout whose outcome has not arrived is queried; while still open, again later. */
  private async check(job: DueJob, tx: Prisma.TransactionClient): Promise<Date | void> {
    const payout = await tx.payout.findUnique({ where: { id: job.key } });
    if (!payout || !OPEN_PAYOUT_STATUSES.includes(payout.status)) return;
    if (payout.status !== 'PENDING') {
      // A transport failure throws: the scheduler retries this check.
      const bill = await this.pay.queryTransfer(payout.outBillNo);
      await this.apply(tx, bill.out_bill_no, bill.state, { transferBillNo: bill.transfer_bill_no, failReason: bill.fail_reason, amountFen: bill.transfer_amount }, 'query');
      const after = await tx.payout.findUniqueOrThrow({ where: { id: payout.id }, select: { status: true } });
      if (!OPEN_PAYOUT_STATUSES.includes(after.status)) return;
    }
    // Still open: the scheduler runs this check again, later each time.
    return new Date(Date.now() + CHECK_DELAYS_MS[Math.min(job.attempts + 1, CHECK_DELAYS_MS.length - 1)]);
  }

  private async own(listenerId: string, payoutId: string): Promise<Payout> {
    const payout = await this.prisma.client.payout.findUnique({ where: { id: payoutId } });
    if (!payout || payout.listenerId !== listenerId) throw new DomainError('payout/not_found');
    return payout;
  }

  private view(p: Payout): PayoutView {
    const confirm: TransferConfirm | null =
      p.status === 'WAIT_USER_CONFIRM' && p.packageInfo
        ? {
            mchId: this.settings.pay.mchid,
            appId: this.settings.pay.appid,
            package: p.packageInfo,
            simulatorUrl: this.settings.simulated ? `${this.config.WECHAT_SIM_URL.replace(/\/+$/, '')}/__sim/transfers/${p.outBillNo}` : null,
          }
        : null;
    return { id: p.id, amountFen: p.amountFen, status: p.status, failReason: p.failReason, createdAt: p.createdAt.toISOString(), finishedAt: p.finishedAt?.toISOString() ?? null, confirm };
  }

  private async listenersOf(payouts: Payout[]) {
    const ids = [...new Set(payouts.map((p) => p.listenerId))];
    const users = ids.length ? await this.prisma.client.user.findMany({ where: { id: { in: ids } }, select: { id: true, alias: true, avatarSeed: true } }) : [];
    return new Map(users.map((u) => [u.id, u]));
  }

  private async alert(tx: Prisma.TransactionClient, action: string, subjectId: string, detail: Record<string, unknown>): Promise<void> {
    this.logger.error({ action, subjectId, ...detail }, `ALERT: ${action}`);
    await this.audit.record({ actorId: null, action, subjectType: 'payout', subjectId, detail }, tx);
  }
}


const yuan = (fen: number) => (fen / 100).toFixed(2);

function toOpsView(p: Payout, users: Map<string, { id: string; alias: string; avatarSeed: string }>): OpsPayoutView {
  const u = users.get(p.listenerId);
  const alias = u?.alias ?? '已注销用户';
  return {
    id: p.id,
    listener: { id: p.listenerId, alias, avatarUrl: avatarPath(u?.avatarSeed ?? 'deleted', alias) },
    amountFen: p.amountFen,
    status: p.status,
    outBillNo: p.outBillNo,
    transferBillNo: p.transferBillNo,
    failReason: p.failReason,
    createdAt: p.createdAt.toISOString(),
    updatedAt: p.updatedAt.toISOString(),
    finishedAt: p.finishedAt?.toISOString() ?? null,
  };
}
