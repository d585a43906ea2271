import {
  activeCountdown,
  appendUnique,
  canCancel,
  clampUnits,
  formatCountdown,
  msLeft,
  newIds,
  offeredServiceTypes,
  ORDER_STATUS_LABELS,
  orderStatusLabel,
  parseYuanToFen,
  priceBreakdown,
  orderSummary,
  shortTime,
} from '../src/utils/orders'
import { recordCells } from '../src/packages/ops/order-format'

describe('priceBreakdown', () => {
  it('is unit price × units, in fen, with the 15-minute units as minutes', () => {
    expect(priceBreakdown(3000, 2)).toEqual({ unitPriceFen: 3000, units: 2, minutes: 30, subtotalFen: 6000, line: '¥30.00 × 2 = ¥60.00' })
    expect(priceBreakdown(1550, 8).subtotalFen).toBe(12400)
  })

  it('keeps units within 1–8', () => {
    expect(priceBreakdown(1000, 0).units).toBe(1)
    expect(priceBreakdown(1000, 12).units).toBe(8)
    expect(clampUnits(Number.NaN)).toBe(1)
    expect(clampUnits(3.4)).toBe(3)
  })
})

describe('offeredServiceTypes', () => {
  it('lists only the priced services, text first', () => {
    expect(offeredServiceTypes({ VOICE: 5000, TEXT: 3000 })).toEqual(['TEXT', 'VOICE'])
    expect(offeredServiceTypes({ VOICE: 5000 })).toEqual(['VOICE'])
    expect(offeredServiceTypes({ TEXT: null })).toEqual([])
  })
})

describe('countdowns', () => {
  const now = Date.parse('2025-03-01T10:00:00Z')

  it('counts to the server deadline, never below zero', () => {
    expect(msLeft('2025-03-01T10:15:00Z', now)).toBe(900_000)
    expect(msLeft('2025-03-01T09:59:00Z', now)).toBe(0)
    expect(msLeft('not a date', now)).toBe(0)
  })

  it('corrects for a phone clock that is off (skew = server − local)', () => {
    expect(msLeft('2025-03-01T10:15:00Z', now, 60_000)).toBe(840_000)
  })

  it('formats mm:ss, or h:mm:ss from an hour, rounding a partial second up', () => {
    expect(formatCountdown(905_000)).toBe('15:05')
    expect(formatCountdown(59_001)).toBe('01:00')
    expect(formatCountdown(3_725_000)).toBe('1:02:05')
    expect(formatCountdown(0)).toBe('00:00')
    expect(formatCountdown(-5)).toBe('00:00')
  })

  it('shows pay-by while unpaid and accept-by while paid, nothing after', () => {
    const o = { payBy: '2025-03-01T10:15:00Z', acceptBy: '2025-03-01T10:25:00Z' }
    expect(activeCountdown({ ...o, status: 'PENDING_PAYMENT' })?.deadline).toBe(o.payBy)
    expect(activeCountdown({ ...o, status: 'PAID' })?.deadline).toBe(o.acceptBy)
    expect(activeCountdown({ ...o, status: 'PAID', acceptBy: null })).toBeNull()
    expect(activeCountdown({ ...o, status: 'ACCEPTED' })).toBeNull()
  })
})

describe('status labels and actions', () => {
  it('has a Chinese label for every status, and passes unknown ones through', () => {
    for (const label of Object.values(ORDER_STATUS_LABELS)) expect(label).toMatch(/[\u4e00-\u9fa5]/)
    expect(Object.keys(ORDER_STATUS_LABELS)).toHaveLength(11)
    expect(orderStatusLabel('PAID')).toBe('已支付/待接单')
    expect(orderStatusLabel('PENDING_PAYMENT')).toBe('待支付')
    expect(orderStatusLabel('SOMETHING_NEW')).toBe('SOMETHING_NEW')
  })

  it('lets only the talker cancel, and only before acceptance', () => {
    expect(canCancel({ status: 'PENDING_PAYMENT', myRole: 'talker' })).toBe(true)
    expect(canCancel({ status: 'PAID', myRole: 'talker' })).toBe(true)
    expect(canCancel({ status: 'ACCEPTED', myRole: 'talker' })).toBe(false)
    expect(canCancel({ status: 'PAID', myRole: 'listener' })).toBe(false)
  })
})

describe('parseYuanToFen (ops refund form)', () => {
  it('turns yuan with up to two decimals into integer fen', () => {
    expect(parseYuanToFen('30')).toBe(3000)
    expect(parseYuanToFen(' 12.5 ')).toBe(1250)
    expect(parseYuanToFen('0.01')).toBe(1)
    expect(parseYuanToFen('19.99')).toBe(1999) // no float drift (19.99 * 100 = 1998.9999…)
  })

  it('refuses anything else', () => {
    for (const bad of ['', '0', '0.00', '-5', '1.234', 'abc', '1e3', '12,5', '.5']) expect(parseYuanToFen(bad)).toBeNull()
  })
})

describe('list helpers', () => {
  it('appends a page without repeating orders already shown', () => {
    expect(appendUnique([{ id: 'a' }, { id: 'b' }], [{ id: 'b' }, { id: 'c' }]).map((o) => o.id)).toEqual(['a', 'b', 'c'])
  })

  it('finds the incoming orders not seen before (the chime)', () => {
    expect(newIds(new Set(['a']), [{ id: 'a' }, { id: 'b' }])).toEqual(['b'])
    expect(newIds(new Set(['a', 'b']), [{ id: 'a' }])).toEqual([])
  })

  it('shows times in Beijing time', () => {
    expect(shortTime('2025-01-02T03:04:05Z')).toBe('01-02 11:04')
    expect(shortTime(null)).toBe('')
  })

  it('shows ops records with money and times readable', () => {
    expect(recordCells({ amountFen: 1250, status: 'SUCCESS', createdAt: '2025-01-02T03:04:05.000Z', meta: { x: 1 }, note: null })).toEqual([
      { key: 'amountFen', text: '¥12.50' },
      { key: 'status', text: 'SUCCESS' },
      { key: 'createdAt', text: '2025-01-02 03:04:05' },
    ])
  })
})

describe('orderSummary', () => {
  it('says what each kind of order bought', () => {
    const base = { serviceType: 'TEXT' as const, minutes: 30, termDays: null }
    expect(orderSummary({ ...base, kind: 'SESSION' })).toBe('文字倾诉 · 30分钟')
    expect(orderSummary({ ...base, kind: 'SESSION', serviceType: 'VOICE' })).toBe('语音倾诉 · 30分钟')
    expect(orderSummary({ ...base, kind: 'SESSION', paidWithPackage: true })).toBe('文字倾诉 · 30分钟（套餐时长）')
    expect(orderSummary({ ...base, kind: 'PACKAGE', minutes: 60 })).toBe('主题套餐 · 60分钟')
    expect(orderSummary({ ...base, kind: 'EXTENSION', minutes: 15 })).toBe('续时 · 15分钟')
    expect(orderSummary({ ...base, kind: 'GIFT', minutes: 0 })).toBe('礼物')
    expect(orderSummary({ ...base, kind: 'GROUP_MEMBERSHIP', minutes: 0, termDays: 90 })).toBe('付费群组 · 90天')
  })
})
