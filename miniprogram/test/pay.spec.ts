import fakeTaro, { fakeStorage } from './fakes/taro'
import type * as PayApi from '../src/platform/pay'
import * as h5 from '../src/platform/pay.h5'
import * as weapp from '../src/platform/pay.weapp'
import { chimeWav } from '../src/packages/workbench/tone'
import type { PayParams } from '../src/services/orders'

// Compile-time: both platform files implement the one declared interface (src/platform/pay.d.ts).
const implementations: Record<'h5' | 'weapp', typeof PayApi> = { h5, weapp }

const PAY_PARAMS: PayParams = {
  requestPayment: { timeStamp: '1700000000', nonceStr: 'n0nce', package: 'prepay_id=wx123', signType: 'RSA', paySign: 'c2ln' },
  cashierUrl: 'http://127.0.0.1:9100/__sim/cashier?prepay_id=wx123&return_url=x',
}

function respond(routes: Record<string, unknown>) {
  fakeTaro.request.mockImplementation(async (opt) => {
    const path = new URL(opt.url).pathname
    const key = `${opt.method ?? 'GET'} ${path}`
    if (!(key in routes)) return { statusCode: 404, data: { code: 'route/not_found', message: key } }
    return { statusCode: 200, data: routes[key] }
  })
}

class FakeLocation {
  origin = 'http://127.0.0.1:3000'
  pathname = '/'
  search = ''
  hash = '#/packages/order/create/index?listenerId=L1'
  href = 'http://127.0.0.1:3000/#/packages/order/create/index?listenerId=L1'
}

describe('platform/pay', () => {
  let location: FakeLocation
  let replaced: string[]
  beforeEach(() => {
    fakeStorage.clear()
    fakeStorage.set('qingting.sessionToken', 'tok')
    location = new FakeLocation()
    replaced = []
    ;(globalThis as { window?: unknown }).window = {
      location,
      history: { replaceState: (_d: unknown, _t: string, url: string) => replaced.push(url) },
    }
  })
  afterEach(() => {
    delete (globalThis as { window?: unknown }).window
  })

  it('exists for both platforms', () => {
    expect(Object.keys(implementations.h5).filter((k) => k !== 'DETAIL_PATH').sort()).toEqual(Object.keys(implementations.weapp).sort())
  })

  it('h5 asks the server for the prepay with the return URL, then sends the browser to the cashier', async () => {
    respond({ 'POST /api/orders/O1/pay': PAY_PARAMS })
    const returnUrl = h5.payReturnUrl('O1')
    expect(returnUrl).toBe('http://127.0.0.1:3000/#/packages/order/detail/index?id=O1')
    await expect(h5.pay('O1', returnUrl)).resolves.toBe('redirected')
    expect(location.href).toBe(PAY_PARAMS.cashierUrl)
    const call = fakeTaro.request.mock.calls[0][0]
    expect(call.data).toEqual({ returnUrl })
    expect(call.header?.authorization).toBe('Bearer tok')
  })

  it('h5 goes to the cashier of a prepay already in hand (checkout), without asking the server again', async () => {
    await expect(h5.payWith('O1', PAY_PARAMS)).resolves.toBe('redirected')
    expect(location.href).toBe(PAY_PARAMS.cashierUrl)
    expect(fakeTaro.request).not.toHaveBeenCalled()
  })

  it('h5 return URL with the placeholder of a new order (the server fills in its id)', () => {
    expect(h5.payReturnUrl('{orderId}')).toBe(`http://127.0.0.1:3000/#/packages/order/detail/index?id=${encodeURIComponent('{orderId}')}`)
  })

  it('h5 fails clearly when the server gives no cashier (and stays on the page)', async () => {
    respond({ 'POST /api/orders/O1/pay': { ...PAY_PARAMS, cashierUrl: null } })
    await expect(h5.pay('O1', h5.payReturnUrl('O1'))).rejects.toThrow('当前环境无法发起支付')
    expect(location.href).toContain('/packages/order/create/index')
  })

  it('h5 passes on the server error (e.g. a closed order)', async () => {
    fakeTaro.request.mockResolvedValue({ statusCode: 409, data: { code: 'order/illegal_transition', message: '订单已关闭，无法支付' } })
    await expect(h5.pay('O1', 'x')).rejects.toThrow('订单已关闭，无法支付')
  })

  it('h5 reads the cashier result from the real query string (before #) and removes it', () => {
    // What the simulator's URL.searchParams.set does to a hash-routed return URL.
    location.search = '?result=success'
    location.hash = '#/packages/order/detail/index?id=O1'
    expect(h5.takePayReturn({ id: 'O1' })).toEqual({ result: 'success', message: undefined })
    expect(replaced).toEqual(['/#/packages/order/detail/index?id=O1'])
  })

  it('h5 keeps other query parameters and reads a failure message', () => {
    location.search = '?x=1&result=fail&message=%E8%AE%A2%E5%8D%95%E6%97%A0%E6%95%88'
    expect(h5.takePayReturn({})).toEqual({ result: 'fail', message: '订单无效' })
    expect(replaced[0]).toBe('/?x=1#/packages/order/create/index?listenerId=L1')
  })

  it('h5 also accepts the result in the page params, and ignores junk', () => {
    expect(h5.takePayReturn({ id: 'O1', result: 'cancel' })).toEqual({ result: 'cancel', message: undefined })
    expect(h5.takePayReturn({ id: 'O1', result: 'hacked' })).toBeNull()
    expect(h5.takePayReturn({ id: 'O1' })).toBeNull()
  })

  it('weapp opens the payment sheet with the server parameters, then asks the server to sync', async () => {
    respond({ 'POST /api/orders/O1/pay': PAY_PARAMS, 'POST /api/orders/O1/sync': { id: 'O1', status: 'PAID' } })
    fakeTaro.requestPayment.mockResolvedValue({ errMsg: 'requestPayment:ok' })
    await expect(weapp.pay('O1', '')).resolves.toBe('paid')
    expect(fakeTaro.requestPayment).toHaveBeenCalledWith(PAY_PARAMS.requestPayment)
    const paths = fakeTaro.request.mock.calls.map((c) => new URL(c[0].url).pathname)
    expect(paths).toEqual(['/api/orders/O1/pay', '/api/orders/O1/sync'])
  })

  it('weapp pays a prepay already in hand (checkout): the sheet, then the sync, no pay call', async () => {
    respond({ 'POST /api/orders/O1/sync': { id: 'O1', status: 'PAID' } })
    fakeTaro.requestPayment.mockResolvedValue({ errMsg: 'requestPayment:ok' })
    await expect(weapp.payWith('O1', PAY_PARAMS)).resolves.toBe('paid')
    expect(fakeTaro.requestPayment).toHaveBeenCalledWith(PAY_PARAMS.requestPayment)
    expect(fakeTaro.request.mock.calls.map((c) => new URL(c[0].url).pathname)).toEqual(['/api/orders/O1/sync'])
  })

  it('weapp: a cancel in the sheet is not an error, and does not sync', async () => {
    respond({ 'POST /api/orders/O1/pay': PAY_PARAMS })
    fakeTaro.requestPayment.mockRejectedValue({ errMsg: 'requestPayment:fail cancel' })
    await expect(weapp.pay('O1', '')).resolves.toBe('cancelled')
    expect(fakeTaro.request).toHaveBeenCalledTimes(1)
  })

  it('weapp: another failure is reported', async () => {
    respond({ 'POST /api/orders/O1/pay': PAY_PARAMS })
    fakeTaro.requestPayment.mockRejectedValue({ errMsg: 'requestPayment:fail system error' })
    await expect(weapp.pay('O1', '')).rejects.toThrow('支付失败：requestPayment:fail system error')
  })

  it('weapp: still paid when the sync call fails (the notification settles it)', async () => {
    respond({ 'POST /api/orders/O1/pay': PAY_PARAMS })
    fakeTaro.requestPayment.mockResolvedValue({ errMsg: 'requestPayment:ok' })
    await expect(weapp.pay('O1', '')).resolves.toBe('paid')
  })
})

describe('the new-order chime', () => {
  it('is a short 16-bit mono PCM WAV', () => {
    const wav = chimeWav(8000)
    const v = new DataView(wav)
    const tag = (at: number) => String.fromCharCode(...new Uint8Array(wav, at, 4))
    expect(tag(0)).toBe('RIFF')
    expect(tag(8)).toBe('WAVE')
    expect(v.getUint16(22, true)).toBe(1)
    expect(v.getUint32(24, true)).toBe(8000)
    expect(v.getUint32(40, true)).toBe(wav.byteLength - 44)
    const seconds = (wav.byteLength - 44) / 2 / 8000
    expect(seconds).toBeGreaterThan(0.2)
    expect(seconds).toBeLessThan(0.5)
  })
})
