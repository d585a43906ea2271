import { listenerQueryString } from '../src/services/listeners'
import { activeFilterCount, EMPTY_PANEL, toListenerFilter } from '../src/pages/index/filters'
import { feedReducer, filterFor, initialFeed } from '../src/pages/index/feed'
import { minutesLabel, percentLabel, secondsLabel, starsLabel, workingHoursLabels } from '../src/packages/listener/profile/format'
import { addSlot, fenToYuanInput, hoursProblems, packageFromInputs, pricesFromInputs, yuanToFen } from '../src/packages/workbench/editor'

describe('home filters → query', () => {
  it('leaves everything out by default', () => {
    expect(listenerQueryString({ topic: null, ...toListenerFilter(EMPTY_PANEL, 'recommended', '  ') })).toBe('limit=20')
    expect(activeFilterCount(EMPTY_PANEL)).toBe(0)
  })

  it('maps every panel control, the sort and the keyword, cursor last', () => {
    const panel = { serviceType: 'VOICE' as const, priceRange: '20to40', gender: 'FEMALE' as const, onlineNow: true, certified: true, highRating: true }
    const filter = { topic: 'MARRIAGE' as const, ...toListenerFilter(panel, 'price', ' 离异 ') }
    expect(listenerQueryString(filter, 'c1')).toBe(
      'limit=20&topic=MARRIAGE&sort=price&q=%E7%A6%BB%E5%BC%82&serviceType=VOICE&priceMin=2000&priceMax=4000&gender=FEMALE&onlineNow=true&certified=true&ratingMin=4.5&cursor=c1',
    )
    expect(activeFilterCount(panel)).toBe(6)
  })

  it('open-ended price ranges send one bound', () => {
    expect(listenerQueryString({ topic: null, ...toListenerFilter({ ...EMPTY_PANEL, priceRange: 'lt20' }, 'recommended', '') })).toBe('limit=20&priceMax=1999')
    expect(listenerQueryString({ topic: null, ...toListenerFilter({ ...EMPTY_PANEL, priceRange: 'gt40' }, 'rating', '') })).toBe('limit=20&sort=rating&priceMin=4001')
  })

  it('cuts an over-long keyword to 30 characters', () => {
    expect(listenerQueryString({ topic: null, q: '字'.repeat(40) })).toBe(`limit=20&q=${encodeURIComponent('字'.repeat(30))}`)
  })
})

describe('feed keeps filters across topic switches', () => {
  it('a reload with options replaces them, without keeps them', () => {
    let s = feedReducer(initialFeed, { type: 'reload', topic: null, seq: 1, options: { sort: 'minutes', onlineNow: true } })
    expect(filterFor(s)).toEqual({ topic: null, sort: 'minutes', onlineNow: true })
    s = feedReducer(s, { type: 'reload', topic: 'CAREER', seq: 2 })
    expect(filterFor(s)).toEqual({ topic: 'CAREER', sort: 'minutes', onlineNow: true })
    expect(s.status).toBe('loading')
  })
})

describe('profile labels', () => {
  it('formats stats', () => {
    expect(percentLabel(0.67)).toBe('67%')
    expect(percentLabel(null)).toBe('暂无')
    expect(secondsLabel(45)).toBe('45秒')
    expect(secondsLabel(150)).toBe('2.5分钟')
    expect(secondsLabel(null)).toBe('暂无')
    expect(minutesLabel(90)).toBe('90分钟')
    expect(minutesLabel(12000)).toBe('200小时')
    expect(starsLabel(4)).toBe('★★★★☆')
  })
  it('formats working hours, sorted, overnight marked', () => {
    expect(workingHoursLabels([])).toEqual(['不限时间'])
    expect(workingHoursLabels([{ day: 5, start: '22:00', end: '02:00' }, { day: 1, start: '19:00', end: '23:00' }])).toEqual(['周一 19:00–23:00', '周五 22:00–次日02:00'])
  })
})

describe('workbench editor', () => {
  it('checks hours like the server', () => {
    expect(hoursProblems([{ day: 1, start: '19:00', end: '23:00' }])).toEqual([])
    expect(hoursProblems([{ day: 1, start: '19:00', end: '19:00' }])).toEqual(['第 1 段：开始和结束不能相同'])
    expect(hoursProblems([{ day: 8, start: '9:00', end: '23:00' }])).toHaveLength(2)
    expect(hoursProblems(Array.from({ length: 15 }, () => ({ day: 1, start: '10:00', end: '11:00' })))[0]).toBe('工作时间最多 14 段')
  })
  it('adds the next day with the same times, at most 14', () => {
    expect(addSlot([])).toEqual([{ day: 1, start: '19:00', end: '23:00' }])
    expect(addSlot([{ day: 7, start: '20:00', end: '22:00' }])[1]).toEqual({ day: 1, start: '20:00', end: '22:00' })
    const full = Array.from({ length: 14 }, () => ({ day: 1, start: '10:00', end: '11:00' }))
    expect(addSlot(full)).toHaveLength(14)
  })
  it('converts yuan input to fen exactly', () => {
    expect(yuanToFen('25')).toBe(2500)
    expect(yuanToFen('25.5')).toBe(2550)
    expect(yuanToFen('0.07')).toBe(7)
    expect(yuanToFen('')).toBeNull()
    expect(yuanToFen('2.555')).toBeNaN()
    expect(yuanToFen('abc')).toBeNaN()
    expect(fenToYuanInput(2550)).toBe('25.50')
    expect(fenToYuanInput(3000)).toBe('30')
    expect(fenToYuanInput(null)).toBe('')
  })
  it('builds the price body within the tier bounds', () => {
    const bounds = { min: 1000, max: 3000 }
    expect(pricesFromInputs({ TEXT: '20', VOICE: '' }, bounds)).toEqual({ ok: true, body: { TEXT: 2000, VOICE: null } })
    expect(pricesFromInputs({ TEXT: '31', VOICE: '' }, bounds)).toEqual({ ok: false, problems: ['文字价格需在 ¥10.00 到 ¥30.00 之间'] })
    expect(pricesFromInputs({ TEXT: '', VOICE: '' }, bounds)).toEqual({ ok: false, problems: ['至少需要开通一种服务（文字或语音）'] })
    expect(pricesFromInputs({ TEXT: 'x', VOICE: '9.99' }, bounds).ok).toBe(false)
  })
})

describe('topic package form', () => {
  const ok = { topic: 'EMOTION' as const, serviceType: 'TEXT' as const, minutes: 60, price: '88' }

  it('builds the POST body in fen', () => {
    expect(packageFromInputs(ok, 'NEW')).toEqual({ ok: true, body: { topic: 'EMOTION', serviceType: 'TEXT', minutes: 60, priceFen: 8800 } })
  })

  it('checks the price against the tier\'s per-unit bounds times the units, as the server does', () => {
    // NEW: 10–30 CNY per 15 minutes → 40–120 CNY for an hour.
    expect(packageFromInputs({ ...ok, price: '39.99' }, 'NEW')).toEqual({ ok: false, problems: ['60 分钟的套餐价格需在 ¥40.00 到 ¥120.00 之间'] })
    expect(packageFromInputs({ ...ok, price: '120' }, 'NEW').ok).toBe(true)
    expect(packageFromInputs({ ...ok, price: '121' }, 'NEW').ok).toBe(false)
    expect(packageFromInputs({ ...ok, price: '300' }, 'SENIOR').ok).toBe(true)
  })

  it('names every missing part', () => {
    expect(packageFromInputs({ topic: null, serviceType: null, minutes: 60, price: 'abc' }, 'NEW')).toEqual({
      ok: false,
      problems: ['请选择套餐话题', '请选择服务方式', '请输入套餐价格，如 88 或 88.5'],
    })
  })
})
