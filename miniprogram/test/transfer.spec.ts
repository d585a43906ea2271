import fakeTaro, { fakeStorage } from './fakes/taro'
import type * as TransferApi from '../src/platform/transfer'
import * as h5 from '../src/platform/transfer.h5'
import * as weapp from '../src/platform/transfer.weapp'
import type { Payout } from '../src/services/earnings'

// Compile-time: both platform files implement the one declared interface (src/platform/transfer.d.ts).
const implementations: Record<'h5' | 'weapp', typeof TransferApi> = { h5, weapp }

const CONFIRM = { mchId: '1900000001', appId: 'wxapp', package: 'pkg==', simulatorUrl: 'http://127.0.0.1:9100/__sim/transfers/BILL1' }
const PAYOUT: Payout = { id: 'P1', amountFen: 1500, status: 'WAIT_USER_CONFIRM', failReason: null, createdAt: '', finishedAt: null, confirm: CONFIRM }

type G = { wx?: unknown; fetch?: unknown }
const g = globalThis as G
const showModal = jest.fn<Promise<{ confirm: boolean; cancel: boolean }>, [Record<string, unknown>]>()

describe('platform/transfer', () => {
  const realFetch = g.fetch
  let fetchCalls: [string, RequestInit][]
  beforeEach(() => {
    fakeStorage.clear()
    fakeStorage.set('qingting.sessionToken', 'tok')
    Object.assign(fakeTaro, { showModal })
    showModal.mockReset()
    fetchCalls = []
    g.fetch = jest.fn(async (url: string, init: RequestInit) => {
      fetchCalls.push([url, init])
      return { ok: false, status: 0, type: 'opaque' }
    })
    fakeTaro.request.mockResolvedValue({ statusCode: 200, data: { ...PAYOUT, status: 'SUCCESS', confirm: null } })
  })
  afterEach(() => {
    g.fetch = realFetch
    delete g.wx
  })

  const paths = () => fakeTaro.request.mock.calls.map((c) => `${c[0].method} ${new URL(c[0].url).pathname}`)

  it('exists for both platforms', () => {
    expect(Object.keys(implementations.h5).sort()).toEqual(Object.keys(implementations.weapp).sort())
  })

  it('h5: 确认收款 answers the simulator\'s confirmation, then syncs with the server', async () => {
    showModal.mockResolvedValue({ confirm: true, cancel: false })
    await expect(h5.confirmTransfer(PAYOUT)).resolves.toBe('confirmed')
    expect(showModal.mock.calls[0][0]).toMatchObject({ confirmText: '确认收款', content: expect.stringContaining('¥15.00') })
    expect(fetchCalls).toEqual([[`${CONFIRM.simulatorUrl}/confirm`, { method: 'POST', mode: 'no-cors' }]])
    expect(paths()).toEqual(['POST /api/payouts/P1/sync'])
  })

  it('h5: closing the sheet leaves the transfer waiting (nothing sent)', async () => {
    showModal.mockResolvedValue({ confirm: false, cancel: true })
    await expect(h5.confirmTransfer(PAYOUT)).resolves.toBe('cancelled')
    expect(fetchCalls).toEqual([])
    expect(fakeTaro.request).not.toHaveBeenCalled()
  })

  it('h5: refuses without the simulator or without anything to confirm', async () => {
    await expect(h5.confirmTransfer({ ...PAYOUT, confirm: { ...CONFIRM, simulatorUrl: null } })).rejects.toThrow('当前环境无法确认收款')
    await expect(h5.confirmTransfer({ ...PAYOUT, confirm: null })).rejects.toThrow('这笔提现当前无需确认收款')
    expect(showModal).not.toHaveBeenCalled()
  })

  it('weapp: wx.requestMerchantTransfer with the server\'s mchId, appId and package, then a sync', async () => {
    const requestMerchantTransfer = jest.fn((o: { success: () => void }) => o.success())
    g.wx = { requestMerchantTransfer }
    await expect(weapp.confirmTransfer(PAYOUT)).resolves.toBe('confirmed')
    expect(requestMerchantTransfer.mock.calls[0][0]).toMatchObject({ mchId: CONFIRM.mchId, appId: CONFIRM.appId, package: CONFIRM.package })
    expect(paths()).toEqual(['POST /api/payouts/P1/sync'])
  })

  it('weapp: a cancel is not an error and does not sync; another failure is reported', async () => {
    g.wx = { requestMerchantTransfer: (o: { fail: (e: unknown) => void }) => o.fail({ errMsg: 'requestMerchantTransfer:fail cancel' }) }
    await expect(weapp.confirmTransfer(PAYOUT)).resolves.toBe('cancelled')
    expect(fakeTaro.request).not.toHaveBeenCalled()
    g.wx = { requestMerchantTransfer: (o: { fail: (e: unknown) => void }) => o.fail({ errMsg: 'requestMerchantTransfer:fail system error' }) }
    await expect(weapp.confirmTransfer(PAYOUT)).rejects.toThrow('确认收款失败：requestMerchantTransfer:fail system error')
  })

  it('weapp: an old WeChat without the API is told to upgrade', async () => {
    g.wx = {}
    await expect(weapp.confirmTransfer(PAYOUT)).rejects.toThrow('请升级微信')
  })
})
