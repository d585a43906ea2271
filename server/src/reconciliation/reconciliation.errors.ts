import type { ErrorSpec } from '../common/errors/error-codes';

/** Error codes of the reconciliation module (PRODUCT.md §11): WeChat Pay bills against local records, and the finance figures. */
export const RECONCILIATION_ERRORS = {
  'reconcile/not_found': { status: 404, message: '找不到这次对账记录' },
  /** The bill of that date does not exist yet (today or later, or before 10:00 of the next day). Nothing was written. */
  'reconcile/bill_not_ready': { status: 409, message: '该日期的微信支付账单尚未生成（次日 10:00 后可下载），请稍后再试' },
  /** A reconciliation of the same date is in progress (on this or another instance); one at a time per date. */
  'reconcile/running': { status: 409, message: '该日期的对账正在进行中，请等待完成后再试' },
  /** WeChat Pay could not be asked for the bill (network, signature, server error). Nothing was written. */
  'reconcile/wechat_unavailable': { status: 502, message: '微信支付暂时无法提供账单，请稍后再试' },
  // The codes below end a run as FAILED (recorded on the run, not thrown at the caller).
  /** The downloaded file's SHA1 is not the one WeChat announced (corrupted or tampered download). */
  'reconcile/bill_hash_mismatch': { status: 502, message: '账单文件 SHA1 校验失败，未做任何对账' },
  /** The file ends without its summary rows, or the summary counts a different number of lines. */
  'reconcile/bill_truncated': { status: 502, message: '账单文件不完整（缺少汇总行或笔数不符），未做任何对账' },
  /** Unknown or missing required columns, or a malformed line. */
  'reconcile/bill_format': { status: 502, message: '账单格式无法识别，未做任何对账' },
  /** The process stopped (shutdown or crash) before the run finished; the daily job runs it again. */
  'reconcile/interrupted': { status: 503, message: '对账被中断，将自动重新运行' },
  /** Anything unexpected during a run (database, disk); logged with its stack. */
  'reconcile/failed': { status: 500, message: '对账失败（内部错误），请稍后重试' },
  /** `from`/`to` of the finance figures: `from` after `to`, or more than the allowed number of days. */
  'finance/range_invalid': { status: 400, message: '日期范围无效：开始日期不能晚于结束日期，且最多 92 天' },
} as const satisfies Record<string, ErrorSpec>;
