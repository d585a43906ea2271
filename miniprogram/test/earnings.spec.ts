import fakeTaro, { fakeStorage } from './fakes/taro'
import { fetchEarningHistory, openPayout, requestPayout, type EarningMovement, type Payout } from '../src/services/earnings'
import { allInput, describeMovement, payoutNotice, signedFen, withdrawProblem } from '../src/packages/earnings/earnings-format'

const RULES = { payoutMinFen: 1000, payoutDailyLimitFen: 500_000 }
const movement = (m: Partial<EarningMovement>): EarningMovement => ({
  id: 'T1', kind: 'EARNING', order: { id: 'O1', kind: 'SESSION' }, payoutId: null, heldFen: 0, withdrawableFen: 0, pendingPayoutFen: 0, at: '2026-01-02T03:04:05.000Z', ...m,
})
const payout = (status: Payout['status']): Payout => ({ id: `P-${status}`, amountFen: 1000, status, failReason: null, createdAt: '', finishedAt: null, confirm: null })

describe('the withdrawal form', () => {
  it('accepts an amount between the minimum and what is withdrawable (and the daily limit)', () => {
    expect(withdrawProblem('10', { withdrawableFen: 2800, ...RULES })).toBeNull()
    expect(withdrawProblem('28.00', { withdrawableFen: 2800, ...RULES })).toBeNull()
    expect(withdrawProblem('9.99', { withdrawableFen: 2800, ...RULES })).toBe('每次至少提现 ¥10.00')
    expect(withdrawProblem('28.01', { withdrawableFen: 2800, ...RULES })).toBe('最多可提现 ¥28.00')
    expect(withdrawProblem('60', { withdrawableFen: 9000, payoutMinFen: 1000, payoutDailyLimitFen: 5000 })).toBe('每日最多提现 ¥50.00')
  })

  it('explains junk input, a balance below the minimum, and money owed after a clawback', () => {
    expect(withdrawProblem('abc', { withdrawableFen: 2800, ...RULES })).toBe('请输入提现金额（元），如 50 或 12.5')
    expect(withdrawProblem('', { withdrawableFen: 2800, ...RULES })).toBe('请输入提现金额（元），如 50 或 12.5')
    expect(withdrawProblem('5', { withdrawableFen: 500, ...RULES })).toBe('可提现金额满 ¥10.00 才能提现')
    expect(withdrawProblem('5', { withdrawableFen: -1400, ...RULES })).toBe('有 ¥14.00 退款需从后续收益中扣回，暂时无法提现')
  })

  it('fills 全部 with everything withdrawable, capped by the daily limit, never negative', () => {
    expect(allInput({ withdrawableFen: 2850, payoutDailyLimitFen: 500_000 })).toBe('28.50')
    expect(allInput({ withdrawableFen: 900_000, payoutDailyLimitFen: 500_000 })).toBe('5000.00')
    expect(allInput({ withdrawableFen: -100, payoutDailyLimitFen: 500_000 })).toBe('0.00')
  })
})

describe('the earnings history', () => {
  it('reads each movement from the listener\'s side', () => {
    expect(describeMovement(movement({ kind: 'EARNING', heldFen: 2800 }))).toEqual({ label: '倾诉收益', amountFen: 2800, note: '争议期内，待结算' })
    expect(describeMovement(movement({ kind: 'EARNING', order: { id: 'O2', kind: 'GIFT' }, heldFen: 500 })).label).toBe('礼物收益')
    expect(describeMovement(movement({ kind: 'REFUND', heldFen: -700 }))).toMatchObject({ amountFen: -700, note: '从待结算中扣除' })
    expect(describeMovement(movement({ kind: 'REFUND', withdrawableFen: -1400 }))).toMatchObject({ amountFen: -1400, note: '从可提现余额扣回' })
    expect(describeMovement(movement({ kind: 'RELEASE', heldFen: -2800, withdrawableFen: 2800 }))).toMatchObject({ label: '收益结算', amountFen: 2800 })
    expect(describeMovement(movement({ kind: 'PAYOUT', order: null, withdrawableFen: -1000, pendingPayoutFen: 1000 }))).toMatchObject({ label: '申请提现', amountFen: -1000 })
    // The money already left withdrawable with the request: its arrival moves nothing the listener holds.
    expect(describeMovement(movement({ kind: 'PAYOUT_PAID', order: null, pendingPayoutFen: -1000 }))).toEqual({ label: '提现到账', amountFen: 0, note: '¥10.00 已转入微信零钱' })
    expect(describeMovement(movement({ kind: 'PAYOUT_RETURNED', order: null, withdrawableFen: 1000, pendingPayoutFen: -1000 }))).toMatchObject({ label: '提现退回', amountFen: 1000 })
  })

  it('signs amounts, and shows none for a line that moves nothing', () => {
    expect([signedFen(2800), signedFen(-50), signedFen(0)]).toEqual(['+¥28.00', '-¥0.50', ''])
  })

  it('tells the listener how a confirmed payout ended', () => {
    expect(payoutNotice('SUCCESS')).toBe('提现成功，已转入微信零钱')
    expect(payoutNotice('CANCELLED')).toContain('已退回可提现余额')
    expect(payoutNotice('PROCESSING')).toContain('处理中')
    expect(payoutNotice(undefined)).toContain('处理中')
  })

  it('finds the payout still open', () => {
    expect(openPayout([payout('SUCCESS'), payout('WAIT_USER_CONFIRM')])?.status).toBe('WAIT_USER_CONFIRM')
    expect(openPayout([payout('FAILED'), payout('CANCELLED'), payout('SUCCESS')])).toBeNull()
    expect(openPayout([payout('PENDING')])?.status).toBe('PENDING')
  })
})

describe('services/earnings', () => {
  beforeEach(() => {
    fakeStorage.clear()
    fakeStorage.set('qingting.sessionToken', 'tok')
  })

  it('requests a payout with the amount in fen only, and pages the history by cursor', async () => {
    fakeTaro.request.mockResolvedValue({ statusCode: 201, data: payout('WAIT_USER_CONFIRM') })
    await requestPayout(1500)
    expect(fakeTaro.request.mock.calls[0][0]).toMatchObject({ method: 'POST', data: { amountFen: 1500 } })
    expect(new URL(fakeTaro.request.mock.calls[0][0].url).pathname).toBe('/api/payouts')

    fakeTaro.request.mockResolvedValue({ statusCode: 200, data: { items: [], nextCursor: null } })
    await fetchEarningHistory('abc')
    const url = new URL(fakeTaro.request.mock.calls[1][0].url)
    expect([url.pathname, url.searchParams.get('cursor'), url.searchParams.get('limit')]).toEqual(['/api/earnings/history', 'abc', '20'])
  })

  it('passes on the server\'s refusal', async () => {
    fakeTaro.request.mockResolvedValue({ statusCode: 409, data: { code: 'payout/in_progress', message: '你有一笔提现正在处理中，完成后才能再次提现' } })
    await expect(requestPayout(1000)).rejects.toMatchObject({ code: 'payout/in_progress', message: '你有一笔提现正在处理中，完成后才能再次提现' })
  })
})
