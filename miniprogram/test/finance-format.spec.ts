import fakeTaro, { fakeStorage } from './fakes/taro'
import { downloadCsv, fetchDaily, fetchRun, startReconciliation, type ReconciliationRun, type ReconciliationSummary } from '../src/packages/ops/finance-api'
import { CATEGORIES, CATEGORY_LABELS, chartBars, chartMax, chinaDate, isDate, needsAttention, runHeadline, summaryFields, triggerLabel } from '../src/packages/ops/finance-format'

const summary = (over: Partial<ReconciliationSummary> = {}): ReconciliationSummary => ({
  billDate: '2025-01-15',
  matched: { trade: 3, refund: 1, transfer: 0 },
  categories: { MISSING_LOCAL: 0, MISSING_AT_WECHAT: 0, AMOUNT_MISMATCH: 0, STATUS_MISMATCH: 0 },
  repaired: 0,
  trade: { present: true, lines: 4, payments: { count: 3, fen: 6000 }, refunds: { count: 1, fen: 500 }, feeFen: 33 },
  fundFlow: { present: true, lines: 8, incomeFen: 6003, expenseFen: 536, transfers: { count: 0, fen: 0 }, feeFen: 33 },
  fees: { tradeBillFen: 33, fundFlowFen: 33, ok: true },
  local: { payments: { count: 3, fen: 6000 }, refunds: { count: 1, fen: 500 }, transfers: { count: 0, fen: 0 } },
  ledger: { paymentsFen: 6000, refundsFen: 500, billPaymentsFen: 6000, billRefundsFen: 500, paymentsDiffFen: 0, refundsDiffFen: 0, ok: true },
  durationMs: 1234,
  ...over,
})
const run = (over: Partial<ReconciliationRun> = {}): ReconciliationRun => ({
  id: '0b307d99-d6a7-4944-8e18-31fd3294766d', billDate: '2025-01-15', status: 'DONE', trigger: 'schedule', startedAt: '2025-01-16T02:00:00.000Z',
  finishedAt: '2025-01-16T02:00:01.000Z', error: null, summary: summary(), progress: null, ...over,
})

describe('finance-format', () => {
  it('dates are China calendar days (a bill day starts at 16:00 UTC the day before)', () => {
    expect(chinaDate(new Date('2025-01-15T15:59:59Z'))).toBe('2025-01-15')
    expect(chinaDate(new Date('2025-01-15T16:00:00Z'))).toBe('2025-01-16')
    expect(chinaDate(new Date('2025-03-01T02:00:00Z'), -1)).toBe('2025-02-28')
    expect(['2025-01-15', '2024-02-29'].every(isDate)).toBe(true)
    expect(['2025-1-15', '2025-02-29', '2025-13-01', ''].some(isDate)).toBe(false)
  })

  it('lists the categories in the order the server sorts items', () => {
    expect(CATEGORIES).toEqual(['AMOUNT_MISMATCH', 'MISSING_AT_WECHAT', 'MISSING_LOCAL', 'STATUS_MISMATCH'])
    expect(CATEGORY_LABELS.MISSING_LOCAL).toBe('本地缺失')
  })

  it('says who started a run', () => {
    expect(['schedule', 'cli', 'ops:7b0c', 'other'].map(triggerLabel)).toEqual(['每日定时', '命令行', '运营手动', 'other'])
  })

  it('sums a run up in one line, and flags the ones to look at', () => {
    expect(runHeadline(run())).toBe('已匹配 4 笔；差异 0 项；账本一致')
    expect(needsAttention(run())).toBe(false)
    const faulty = run({ summary: summary({ categories: { MISSING_LOCAL: 1, MISSING_AT_WECHAT: 0, AMOUNT_MISMATCH: 2, STATUS_MISMATCH: 0 }, repaired: 1 }) })
    expect(runHeadline(faulty)).toBe('已匹配 4 笔；差异 3 项（已自动修复 1）；账本一致')
    expect(needsAttention(faulty)).toBe(true)
    expect(needsAttention(run({ summary: summary({ fees: { tradeBillFen: 33, fundFlowFen: 0, ok: false } }) }))).toBe(true)
    const failed = run({ status: 'FAILED', summary: null, error: { code: 'reconcile/bill_hash_mismatch', message: '账单文件 SHA1 校验失败（下载的文件与微信公布的 SHA1 不一致）（技术信息：bill SHA1 …）' } })
    expect([runHeadline(failed), needsAttention(failed)]).toEqual(['账单文件 SHA1 校验失败（下载的文件与微信公布的 SHA1 不一致）', true])
    const running = run({ status: 'RUNNING', summary: null, progress: { phase: 'trade', lines: 120000, at: '' } })
    expect([runHeadline(running), needsAttention(running)]).toEqual(['核对交易账单…（120000 行）', false])
  })

  it('shows the summary figures, marking differences against the ledger and in the fees', () => {
    const fields = summaryFields(summary({ ledger: { paymentsFen: 4000, refundsFen: 500, billPaymentsFen: 6000, billRefundsFen: 500, paymentsDiffFen: 2000, refundsDiffFen: 0, ok: false } }))
    expect(fields.find((f) => f.label === '账本（支付）')).toEqual({ label: '账本（支付）', value: '账单 ¥60.00 / 账本 ¥40.00，差 ¥20.00', warn: true })
    expect(fields.find((f) => f.label === '账本（退款）')!.warn).toBe(false)
    expect(fields.find((f) => f.label === '微信支付')!.value).toBe('¥60.00（3 笔）')
    expect(summaryFields(summary({ trade: { ...summary().trade, present: false, lines: 0 } }))[0].value).toBe('当日无账单')
  })

  it('scales a chart series to its tallest day', () => {
    const days = [
      { date: '2025-01-14', orders: 0, gmvFen: 0, refundsFen: 0, netFen: 0, commissionFen: 0 },
      { date: '2025-01-15', orders: 3, gmvFen: 6000, refundsFen: 0, netFen: 6000, commissionFen: 1800 },
      { date: '2025-01-16', orders: 1, gmvFen: 2000, refundsFen: 0, netFen: 2000, commissionFen: 600 },
    ]
    expect(chartBars(days, 'gmvFen').map((b) => [b.label, b.heightPct])).toEqual([['01-14', 0], ['01-15', 100], ['01-16', 33.3]])
    expect(chartBars(days, 'commissionFen')[1].title).toBe('2025-01-15 ¥18.00')
    expect(chartBars(days.slice(0, 1), 'gmvFen')[0].heightPct).toBe(0)
    // On the GMV's scale, commission is the 30 % it is.
    expect(chartBars(days, 'commissionFen', chartMax(days, ['gmvFen', 'commissionFen']))[1].heightPct).toBe(30)
  })
})

describe('finance-api', () => {
  beforeEach(() => fakeStorage.clear())

  it('calls the ops endpoints with their queries', async () => {
    fakeTaro.request.mockResolvedValue({ statusCode: 200, data: {} })
    await startReconciliation('2025-01-15')
    await fetchRun('r1', { category: 'MISSING_LOCAL' })
    await fetchDaily('2025-01-01', '2025-01-31')
    const calls = fakeTaro.request.mock.calls.map(([o]) => [o.method, o.url.replace(/^https?:\/\/[^/]+/, ''), o.data])
    expect(calls).toEqual([
      ['POST', '/api/ops/reconciliation', { date: '2025-01-15' }],
      ['GET', '/api/ops/reconciliation/r1?category=MISSING_LOCAL&limit=50', undefined],
      ['GET', '/api/ops/finance/daily?from=2025-01-01&to=2025-01-31', undefined],
    ])
  })

  it('refuses to download outside a browser (the weapp has no file download)', async () => {
    await expect(downloadCsv(run())).rejects.toThrow('请在电脑浏览器中打开运营后台下载')
  })
})
