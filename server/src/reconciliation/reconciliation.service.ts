import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { BeforeApplicationShutdown, Injectable, Logger } from '@nestjs/common';
import type { Page } from '@qingting/shared';
import { DomainError } from '../common/errors/domain-error';
import { ERROR_CODES, type ErrorCode } from '../common/errors/error-codes';
import { AppConfig } from '../infra/config/app-config';
import { PrismaService } from '../infra/database/prisma.service';
import { OrdersService } from '../orders/orders.service';
import { RefundService } from '../orders/refund.service';
import { BillFormatError, BillRecord, parseFundFlowBill, parseTradeBill } from '../wechat/protocol/bills';
import { billDateOf } from '../wechat/protocol/time';
import type { BillResponse } from '../wechat/protocol/types';
import { VerifiedBill, WechatPayClient, WechatPayError } from '../wechat/wechat-pay.client';
import { isValidBillDate } from './bill-date';
import { forEachBatch, LocalRecords } from './local-records';
import { ItemSink, Matcher, RepairCandidate } from './matcher';
import { Category, CSV_HEADER, csvLine, ReconciliationItemRecord, ReconciliationSummary } from './report';

/** Heartbeat of a running run (its progress in `summary`); a RUNNING run silent for STALE_AFTER_SECONDS is taken as dead. */
const HEARTBEAT_MS = 5_000;
const STALE_AFTER_SECONDS = 120;
/** Items are inserted this many at a time while the bill streams. */
const ITEM_BATCH = 1000;
/** Repairs query WeChat one by one; more than this in one run means something bigger is wrong (a person should look). */
const REPAIR_LIMIT = 200;
const ABORT_CHECK_LINES = 10_000;

type RunStatus = 'RUNNING' | 'DONE' | 'FAILED';

interface RunRow {
  id: string;
  billDate: string;
  status: RunStatus;
  trigger: string;
  summary: unknown;
  error: string | null;
  startedAt: Date;
  finishedAt: Date | null;
}

const RUN_COLUMNS = 'id, bill_date AS "billDate", status, trigger, summary, error, started_at AS "startedAt", finished_at AS "finishedAt"';

export interface RunProgress {
  phase: 'download' | 'local' | 'trade' | 'fundflow' | 'repair' | 'ledger' | 'report';
  lines: number;
  at: string;
}

export interface RunView {
  id: string;
  billDate: string;
  status: RunStatus;
  /** `schedule`, `ops:<userId>` or `cli`. */
  trigger: string;
  startedAt: string;
  finishedAt: string | null;
  error: { code: string; message: string } | null;
  /** DONE runs. */
  summary: ReconciliationSummary | null;
  /** RUNNING runs: how far they got. */
  progress: RunProgress | null;
}

export type ItemView = ReconciliationItemRecord;

export interface RunDetail {
  run: RunView;
  items: ItemView[];
  nextCursor: string | null;
}

/**
 * Why a run ended FAILED; stored on the run as `<code>: <message>`. `detail` is for the person
 * (Chinese); `technical` is the parser's or client's own words, kept for whoever investigates.
 */
class RunFailure extends Error {
  constructor(
    readonly code: ErrorCode,
    detail?: string,
    technical?: string,
  ) {
    super(`${ERROR_CODES[code].message}${detail ? `（${detail}）` : ''}${technical ? `（技术信息：${technical}）` : ''}`);
  }
}

function toView(row: RunRow): RunView {
  const summary = (row.summary ?? {}) as { progress?: RunProgress } & Partial<ReconciliationSummary>;
  const cut = row.error?.indexOf(': ') ?? -1;
  return {
    id: row.id,
    billDate: row.billDate,
    status: row.status,
    trigger: row.trigger,
    startedAt: row.startedAt.toISOString(),
    finishedAt: row.finishedAt?.toISOString() ?? null,
    error: row.error ? (cut > 0 ? { code: row.error.slice(0, cut), message: row.error.slice(cut + 2) } : { code: 'reconcile/failed', message: row.error }) : null,
    summary: row.status === 'DONE' ? (summary as ReconciliationSummary) : null,
    progress: row.status === 'RUNNING' ? (summary.progress ?? null) : null,
  };
}

/** Inserts items in batches as the matcher finds them; `discard` removes them all when the run fails. */
class ItemWriter implements ItemSink {
  private buffer: ReconciliationItemRecord[] = [];

  constructor(
    private readonly prisma: PrismaService,
    private readonly runId: string,
  ) {}

  async add(item: ReconciliationItemRecord): Promise<void> {
    this.buffer.push(item);
    if (this.buffer.length >= ITEM_BATCH) await this.flush();
  }

  async flush(): Promise<void> {
    if (!this.buffer.length) return;
    const rows = this.buffer;
    this.buffer = [];
    const col = <K extends keyof ReconciliationItemRecord>(k: K) => rows.map((r) => r[k]);
    await this.prisma.sql.query(
      `INSERT INTO reconciliation_items (id, run_id, category, kind, reference, local_fen, wechat_fen, local_state, wechat_state, repaired, detail)
       SELECT u.id, $1, u.category, u.kind, u.reference, u.local_fen, u.wechat_fen, u.local_state, u.wechat_state, false, u.detail
         FROM unnest($2::uuid[], $3::text[], $4::text[], $5::text[], $6::int[], $7::int[], $8::text[], $9::text[], $10::text[])
           AS u(id, category, kind, reference, local_fen, wechat_fen, local_state, wechat_state, detail)`,
      [this.runId, col('id'), col('category'), col('kind'), col('reference'), col('localFen'), col('wechatFen'), col('localState'), col('wechatState'), col('detail')],
    );
  }

  async discard(): Promise<void> {
    this.buffer = [];
    await this.prisma.sql.query('DELETE FROM reconciliation_items WHERE run_id = $1', [this.runId]);
  }
}

interface Bills {
  trade: BillResponse | null;
  flow: BillResponse | null;
}

/**
 * Reconciliation of one bill date (PRODUCT.md §11): downloads the trade bill (ALL) and the
 * fund-flow bill, checks their SHA1, streams them through the parser and the Matcher against the
 * day's local payments, refunds and payouts, repairs what querying WeChat Pay can repair, totals
 * against the ledger, and stores the run (summary + non-matched items) and its CSV. One run per
 * date at a time across instances (an advisory lock around "is one running?" + a heartbeat).
 * A failed run keeps no items: a run either reports the whole bill or nothing.
 */
@Injectable()
export class ReconciliationService implements BeforeApplicationShutdown {
  private readonly logger = new Logger(ReconciliationService.name);
  private readonly active = new Map<string, { controller: AbortController; done: Promise<RunView> }>();
  private closing = false;

  constructor(
    private readonly prisma: PrismaService,
    private readonly config: AppConfig,
    private readonly pay: WechatPayClient,
    private readonly orders: OrdersService,
    private readonly refunds: RefundService,
    private readonly local: LocalRecords,
  ) {}

  /**
   * Asks WeChat for the bills (not ready → 409, nothing written), claims the date (another run
   * going → 409 `reconcile/running`) and starts the run; `done` settles with the finished run
   * (DONE or FAILED) and never rejects.
   */
  async start(billDate: string, trigger: string): Promise<{ run: RunView; done: Promise<RunView> }> {
    if (this.closing) throw new DomainError('reconcile/interrupted', '服务正在停止，请稍后重试');
    const bills = await this.fetchBills(billDate);
    const run = await this.claim(billDate, trigger);
    const controller = new AbortController();
    const done = this.execute(run, bills, controller.signal).finally(() => this.active.delete(run.id));
    this.active.set(run.id, { controller, done });
    return { run: toView(run), done };
  }

  /** `start` and wait for the end (the CLI). */
  async run(billDate: string, trigger: string): Promise<RunView> {
    return (await this.start(billDate, trigger)).done;
  }

  /** Stops runs in progress (each ends FAILED `reconcile/interrupted`; the daily job runs scheduled ones again). */
  async beforeApplicationShutdown(): Promise<void> {
    this.closing = true;
    for (const { controller } of this.active.values()) controller.abort();
    await Promise.all([...this.active.values()].map((a) => a.done));
  }

  // ---------------------------------------------------------------- reading

  async countRuns(billDate: string, status: RunStatus, trigger?: string): Promise<number> {
    return this.prisma.client.reconciliationRun.count({ where: { billDate, status, ...(trigger ? { trigger } : {}) } });
  }

  async list(query: { date?: string; cursor?: string; limit: number }): Promise<Page<RunView>> {
    const after = query.cursor ? decodeCursor(query.cursor, 2) : null;
    if (after && Number.isNaN(Date.parse(after[0]))) throw new DomainError('request/invalid', 'cursor 无效，请从第一页重新加载');
    const rows = await this.prisma.sql.query<RunRow>(
      `SELECT ${RUN_COLUMNS} FROM reconciliation_runs
        WHERE ($1::text IS NULL OR bill_date = $1) AND ($2::timestamptz IS NULL OR (started_at, id) < ($2::timestamptz, $3::uuid))
        ORDER BY started_at DESC, id DESC LIMIT $4`,
      [query.date ?? null, after?.[0] ?? null, after?.[1] ?? null, query.limit + 1],
    );
    const items = rows.slice(0, query.limit);
    const last = items[items.length - 1];
    return { items: items.map(toView), nextCursor: rows.length > query.limit ? encodeCursor([last.startedAt.toISOString(), last.id]) : null };
  }

  async get(id: string): Promise<RunView> {
    const [row] = await this.prisma.sql.query<RunRow>(`SELECT ${RUN_COLUMNS} FROM reconciliation_runs WHERE id = $1`, [id]);
    if (!row) throw new DomainError('reconcile/not_found');
    return toView(row);
  }

  /** The run and one page of its items, in (category, kind, reference) order, optionally of one category. */
  async detail(id: string, query: { category?: Category; cursor?: string; limit: number }): Promise<RunDetail> {
    const run = await this.get(id);
    const after = query.cursor ? decodeCursor(query.cursor, 4) : null;
    const rows = await this.prisma.sql.query<ItemView & { category: Category }>(
      `SELECT ${ITEM_COLUMNS} FROM reconciliation_items
        WHERE run_id = $1 AND ($2::text IS NULL OR category = $2)
          AND ($3::text IS NULL OR (category, kind, reference, id) > ($3, $4, $5, $6::uuid))
        ORDER BY category, kind, reference, id LIMIT $7`,
      [id, query.category ?? null, after?.[0] ?? null, after?.[1] ?? null, after?.[2] ?? null, after?.[3] ?? null, query.limit + 1],
    );
    const items = rows.slice(0, query.limit);
    const last = items[items.length - 1];
    return { run, items, nextCursor: rows.length > query.limit ? encodeCursor([last.category, last.kind, last.reference, last.id]) : null };
  }

  /** Writes the run's CSV (header + every item) to `out`, honouring back-pressure; read from the database, so any instance can serve it. */
  async writeCsv(id: string, out: Writable): Promise<void> {
    await this.get(id);
    const write = async (chunk: string) => {
      if (!out.write(chunk)) await once(out, 'drain');
    };
    await write(CSV_HEADER);
    await forEachBatch<ItemView>(this.prisma.sql, `SELECT ${ITEM_COLUMNS} FROM reconciliation_items WHERE run_id = $1 ORDER BY category, kind, reference, id`, [id], (rows) =>
      write(rows.map(csvLine).join('')),
    );
  }

  /** Where the CSV of a DONE run is kept on the machine that ran it. */
  csvPath(run: Pick<RunView, 'id' | 'billDate'>): string {
    return path.resolve(this.config.RECONCILE_DIR, `${run.billDate}-${run.id}.csv`);
  }

  // ---------------------------------------------------------------- starting

  private async fetchBills(billDate: string): Promise<Bills> {
    if (!isValidBillDate(billDate)) throw new DomainError('request/invalid', '请求参数有误：date 应为 YYYY-MM-DD 格式的日期', [{ field: 'date', problem: '应为 YYYY-MM-DD 格式的日期' }]);
    if (billDate >= billDateOf(new Date())) throw new DomainError('reconcile/bill_not_ready', `${billDate} 的账单尚未生成：微信支付在次日 10:00 后提供前一天的账单`);
    const ask = async (what: string, get: () => Promise<BillResponse>): Promise<BillResponse | null> => {
      try {
        return await get();
      } catch (err) {
        // No business that day: WeChat has no bill, which reconciles as an empty one.
        if (err instanceof WechatPayError && err.code === 'NO_STATEMENT_EXIST') return null;
        if (err instanceof WechatPayError && err.code === 'STATEMENT_CREATING') throw new DomainError('reconcile/bill_not_ready');
        this.logger.warn({ err, billDate, what }, 'could not get the bill from WeChat Pay');
        throw new DomainError('reconcile/wechat_unavailable');
      }
    };
    const [trade, flow] = await Promise.all([ask('tradebill', () => this.pay.tradeBill(billDate, 'ALL')), ask('fundflowbill', () => this.pay.fundFlowBill(billDate))]);
    return { trade, flow };
  }

  /** One RUNNING run per date: checked and inserted under an advisory lock; runs whose heartbeat stopped are marked FAILED. */
  private claim(billDate: string, trigger: string): Promise<RunRow> {
    return this.prisma.sql.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`reconciliation:${billDate}`]);
      const running = await tx.query<{ id: string; stale: boolean }>(
        `SELECT id, COALESCE((summary->'progress'->>'at')::timestamptz, started_at) < now() - make_interval(secs => $2) AS stale
           FROM reconciliation_runs WHERE bill_date = $1 AND status = 'RUNNING'`,
        [billDate, STALE_AFTER_SECONDS],
      );
      if (running.some((r) => !r.stale)) throw new DomainError('reconcile/running');
      if (running.length) {
        await tx.query(`UPDATE reconciliation_runs SET status = 'FAILED', error = $2, summary = '{}', finished_at = now() WHERE id = ANY($1::uuid[])`, [
          running.map((r) => r.id),
          stored(new RunFailure('reconcile/interrupted', '进程在运行中退出')),
        ]);
      }
      const [run] = await tx.query<RunRow>(
        `INSERT INTO reconciliation_runs (id, bill_date, status, trigger, summary, started_at) VALUES ($1, $2, 'RUNNING', $3, '{}', now()) RETURNING ${RUN_COLUMNS}`,
        [randomUUID(), billDate, trigger],
      );
      return run;
    });
  }

  // ---------------------------------------------------------------- running

  private async execute(run: RunRow, bills: Bills, signal: AbortSignal): Promise<RunView> {
    const started = Date.now();
    const progress = { phase: 'download' as RunProgress['phase'], lines: 0 };
    const phasesMs: Partial<Record<RunProgress['phase'], number>> = {};
    let phaseStarted = started;
    /** Ends the current phase (its time into phasesMs) and starts `next`. */
    const lap = (next?: RunProgress['phase']) => {
      phasesMs[progress.phase] = Date.now() - phaseStarted;
      phaseStarted = Date.now();
      if (next) Object.assign(progress, { phase: next, lines: 0 });
    };
    const beat = setInterval(() => void this.heartbeat(run.id, progress), HEARTBEAT_MS);
    const files: VerifiedBill[] = [];
    const items = new ItemWriter(this.prisma, run.id);
    try {
      const [tradeFile, flowFile] = await this.download(bills, files);
      lap('local');
      const day = await this.local.loadDay(run.billDate);
      const matcher = new Matcher(day, this.local, items, REPAIR_LIMIT);
      lap('trade');
      const trade = tradeFile ? await this.read(tradeFile, parseTradeBill, (row) => matcher.tradeRow(row), progress, signal) : null;
      lap('fundflow');
      const flow = flowFile ? await this.read(flowFile, parseFundFlowBill, (row) => matcher.flowRow(row), progress, signal) : null;
      const totalsProblem =
        (trade && (trade.settlementTotalFen !== matcher.trade.settlementFen || trade.refundFen !== matcher.trade.refunds.fen || trade.feeFen !== matcher.trade.feeFen)
          ? '交易账单汇总金额与明细合计不符'
          : null) ?? (flow && (flow.incomeFen !== matcher.flow.incomeFen || flow.expenseFen !== matcher.flow.expenseFen) ? '资金账单汇总金额与明细合计不符' : null);
      if (totalsProblem) throw new RunFailure('reconcile/bill_format', totalsProblem);
      await matcher.finish();
      await items.flush();
      lap('repair');
      const repaired = await this.repair(matcher.repairs, signal);
      lap('ledger');
      const ledger = await this.local.ledgerTotals(run.billDate, matcher.otherDayPayments, matcher.otherDayRefunds);
      const billPaymentsFen = matcher.trade.payments.fen;
      const billRefundsFen = matcher.trade.refunds.fen;
      const summary: ReconciliationSummary = {
        billDate: run.billDate,
        matched: matcher.matched,
        categories: matcher.categories,
        repaired,
        trade: { present: !!trade, lines: matcher.trade.lines, payments: matcher.trade.payments, refunds: matcher.trade.refunds, feeFen: matcher.trade.feeFen, summary: trade },
        fundFlow: {
          present: !!flow,
          lines: matcher.flow.lines,
          incomeFen: matcher.flow.incomeFen,
          expenseFen: matcher.flow.expenseFen,
          transfers: matcher.flow.transfers,
          feeFen: matcher.flow.feeFen,
          summary: flow,
        },
        fees: { tradeBillFen: matcher.trade.feeFen, fundFlowFen: matcher.flow.feeFen, ok: matcher.trade.feeFen === matcher.flow.feeFen },
        local: {
          payments: { count: day.payments.size, fen: day.payments.totalFen },
          refunds: { count: day.refunds.size, fen: day.refunds.totalFen },
          transfers: { count: day.transfers.size, fen: day.transfers.totalFen },
        },
        ledger: {
          ...ledger,
          billPaymentsFen,
          billRefundsFen,
          paymentsDiffFen: billPaymentsFen - ledger.paymentsFen,
          refundsDiffFen: billRefundsFen - ledger.refundsFen,
          ok: billPaymentsFen === ledger.paymentsFen && billRefundsFen === ledger.refundsFen,
        },
        durationMs: 0,
        phasesMs,
      };
      lap('report');
      await this.writeCsvFile(run);
      lap();
      summary.durationMs = Date.now() - started;
      const [done] = await this.prisma.sql.query<RunRow>(
        `UPDATE reconciliation_runs SET status = 'DONE', summary = $2::jsonb, finished_at = now() WHERE id = $1 AND status = 'RUNNING' RETURNING ${RUN_COLUMNS}`,
        [run.id, JSON.stringify(summary)],
      );
      this.logger.log({ runId: run.id, billDate: run.billDate, categories: summary.categories, repaired, durationMs: summary.durationMs }, 'reconciliation done');
      // Marked dead by another instance meanwhile (a heartbeat lost for minutes): its verdict stands.
      return done ? toView(done) : this.get(run.id);
    } catch (err) {
      return this.fail(run, items, this.failure(err, signal));
    } finally {
      clearInterval(beat);
      for (const f of files) f.dispose();
    }
  }

  /** Both files at once (each download link is valid for 30 seconds after the bill request). */
  private async download(bills: Bills, files: VerifiedBill[]): Promise<[VerifiedBill | null, VerifiedBill | null]> {
    const get = async (bill: BillResponse | null) => {
      if (!bill) return null;
      const file = await this.pay.downloadBill(bill);
      files.push(file);
      assertComplete(file.file);
      return file;
    };
    const [trade, flow] = await Promise.allSettled([get(bills.trade), get(bills.flow)]);
    if (trade.status === 'rejected') throw trade.reason;
    if (flow.status === 'rejected') throw flow.reason;
    return [trade.value, flow.value];
  }

  private async read<R, S>(bill: VerifiedBill, parse: (source: AsyncIterable<Buffer>) => AsyncGenerator<BillRecord<R, S>>, onRow: (row: R) => Promise<void>, progress: { lines: number }, signal: AbortSignal): Promise<S> {
    let summary: S | undefined;
    for await (const record of parse(bill.open())) {
      if (record.type === 'summary') {
        summary = record.summary;
        continue;
      }
      await onRow(record.row);
      if (++progress.lines % ABORT_CHECK_LINES === 0 && signal.aborted) throw new RunFailure('reconcile/interrupted', '服务正在停止');
    }
    // The parser yields exactly one summary or throws.
    return summary!;
  }

  private failure(err: unknown, signal: AbortSignal): RunFailure {
    if (err instanceof RunFailure) return err;
    if (signal.aborted) return new RunFailure('reconcile/interrupted', '服务正在停止');
    if (err instanceof WechatPayError) {
      if (err.code === 'BILL_HASH_MISMATCH') return new RunFailure('reconcile/bill_hash_mismatch', '下载的文件与微信公布的 SHA1 不一致', err.message);
      return new RunFailure('reconcile/wechat_unavailable', '账单下载失败', err.message);
    }
    if (err instanceof BillFormatError) {
      // The parser's verdicts for a file that stops early: no summary row, or a summary counting other lines.
      const truncated = /truncated|summary counts|empty file/.test(err.message);
      return new RunFailure(truncated ? 'reconcile/bill_truncated' : 'reconcile/bill_format', undefined, err.message);
    }
    this.logger.error({ err }, 'reconciliation failed unexpectedly');
    return new RunFailure('reconcile/failed');
  }

  /** FAILED with its reason; the items written so far are removed (a failed run reports nothing). */
  private async fail(run: RunRow, items: ItemWriter, failure: RunFailure): Promise<RunView> {
    this.logger.warn({ runId: run.id, billDate: run.billDate, code: failure.code, reason: failure.message }, 'reconciliation failed');
    try {
      await items.discard();
      const [failed] = await this.prisma.sql.query<RunRow>(
        `UPDATE reconciliation_runs SET status = 'FAILED', error = $2, summary = '{}', finished_at = now() WHERE id = $1 AND status = 'RUNNING' RETURNING ${RUN_COLUMNS}`,
        [run.id, stored(failure)],
      );
      return failed ? toView(failed) : await this.get(run.id);
    } catch (err) {
      // The database is gone too: the run stays RUNNING until its heartbeat is found stale.
      this.logger.error({ err, runId: run.id }, 'could not record the failed reconciliation');
      return toView({ ...run, status: 'FAILED', error: stored(failure), finishedAt: new Date() });
    }
  }

  private async heartbeat(runId: string, progress: { phase: RunProgress['phase']; lines: number }): Promise<void> {
    const beat: RunProgress = { ...progress, at: new Date().toISOString() };
    await this.prisma.sql
      .query(`UPDATE reconciliation_runs SET summary = jsonb_build_object('progress', $2::jsonb) WHERE id = $1 AND status = 'RUNNING'`, [runId, JSON.stringify(beat)])
      .catch((err) => this.logger.warn({ err, runId }, 'reconciliation heartbeat failed'));
  }

  // ---------------------------------------------------------------- repairs

  /** Queries WeChat Pay for each candidate and applies what it says through the orders module's own paths. */
  private async repair(candidates: RepairCandidate[], signal: AbortSignal): Promise<number> {
    let repaired = 0;
    for (const c of candidates) {
      if (signal.aborted) throw new RunFailure('reconcile/interrupted', '服务正在停止');
      let outcome: { repaired: boolean; note: string };
      try {
        outcome = c.kind === 'TRADE' ? await this.repairPayment(c.reference) : await this.repairRefund(c.reference);
      } catch (err) {
        this.logger.warn({ err, reference: c.reference }, 'reconciliation repair failed');
        outcome = { repaired: false, note: `自动修复失败：${(err as Error).message}` };
      }
      await this.prisma.sql.query(`UPDATE reconciliation_items SET repaired = $2, detail = detail || '；' || $3 WHERE id = $1`, [c.itemId, outcome.repaired, outcome.note]);
      if (outcome.repaired) repaired++;
    }
    return repaired;
  }

  private async repairPayment(outTradeNo: string): Promise<{ repaired: boolean; note: string }> {
    const t = await this.pay.queryByOutTradeNo(outTradeNo);
    if (t.trade_state !== 'SUCCESS' && t.trade_state !== 'REFUND') return { repaired: false, note: `查询微信支付：${t.trade_state}，未补记` };
    const outcome = await this.prisma.client.$transaction((tx) => this.orders.applyPayment(tx, t, 'query'));
    switch (outcome) {
      case 'paid':
        return { repaired: true, note: '已按查询结果补记支付' };
      case 'refunding_late_payment':
        return { repaired: true, note: '已补记支付；订单已关闭，已自动全额退款' };
      case 'already_paid':
        return { repaired: true, note: '支付通知已先行补记' };
      default:
        return { repaired: false, note: '查询结果与订单不符（已告警），需人工处理' };
    }
  }

  private async repairRefund(outRefundNo: string): Promise<{ repaired: boolean; note: string }> {
    const r = await this.pay.queryRefund(outRefundNo);
    if (r.status !== 'SUCCESS') return { repaired: false, note: `查询微信退款：${r.status}` };
    await this.prisma.client.$transaction((tx) =>
      this.refunds.applyResult(tx, { out_refund_no: r.out_refund_no, refund_id: r.refund_id, refund_status: r.status, amount: { refund: r.amount.refund } }, 'query'),
    );
    const [after] = await this.prisma.sql.query<{ status: string }>('SELECT status FROM refunds WHERE out_refund_no = $1', [outRefundNo]);
    return after?.status === 'SUCCESS' ? { repaired: true, note: '已按查询结果完成退款' } : { repaired: false, note: '查询结果与退款不符（已告警），需人工处理' };
  }

  private async writeCsvFile(run: RunRow): Promise<void> {
    const file = this.csvPath(run);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const out = fs.createWriteStream(file);
    try {
      await this.writeCsv(run.id, out);
    } finally {
      out.end();
      await once(out, 'close');
    }
  }
}

const ITEM_COLUMNS =
  'id, category, kind, reference, local_fen AS "localFen", wechat_fen AS "wechatFen", local_state AS "localState", wechat_state AS "wechatState", repaired, detail';

const stored = (f: RunFailure) => `${f.code}: ${f.message}`;

/** A complete bill ends with its line break; a download cut short mid-line does not. */
function assertComplete(file: string): void {
  const { size } = fs.statSync(file);
  if (size === 0) throw new RunFailure('reconcile/bill_truncated', '文件为空');
  const fd = fs.openSync(file, 'r');
  try {
    const last = Buffer.alloc(1);
    fs.readSync(fd, last, 0, 1, size - 1);
    if (last[0] !== 0x0a) throw new RunFailure('reconcile/bill_truncated', '文件没有以换行结束');
  } finally {
    fs.closeSync(fd);
  }
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Keyset cursors: the sort key of the last row of the page (the last part is always the row id). */
function encodeCursor(parts: string[]): string {
  return Buffer.from(JSON.stringify(parts)).toString('base64url');
}

function decodeCursor(cursor: string, length: number): string[] {
  try {
    const parts = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(parts) && parts.length === length && parts.every((p) => typeof p === 'string') && UUID_RE.test(parts[length - 1])) return parts as string[];
  } catch {
    /* fall through */
  }
  throw new DomainError('request/invalid', 'cursor 无效，请从第一页重新加载');
}
