import { priceLabels, pricePer15Min, ratingLabel } from '../src/utils/labels'

describe('pricePer15Min', () => {
  it('formats fen as yuan per 15-minute unit', () => {
    expect(pricePer15Min(3000)).toBe('¥30.00/15分钟')
    expect(pricePer15Min(1005)).toBe('¥10.05/15分钟')
    expect(pricePer15Min(0)).toBe('¥0.00/15分钟')
  })

  it('rejects non-integer fen (amounts are integers everywhere)', () => {
    expect(() => pricePer15Min(10.5)).toThrow(RangeError)
  })
})

describe('priceLabels', () => {
  it('lists text then voice when both are offered', () => {
    expect(priceLabels({ VOICE: 5000, TEXT: 3000 })).toEqual(['文字 ¥30.00/15分钟', '语音 ¥50.00/15分钟'])
  })

  it('omits a service that is not offered', () => {
    expect(priceLabels({ TEXT: 2000 })).toEqual(['文字 ¥20.00/15分钟'])
    expect(priceLabels({ VOICE: 8800 })).toEqual(['语音 ¥88.00/15分钟'])
    expect(priceLabels({})).toEqual([])
  })
})

describe('ratingLabel', () => {
  it('shows one decimal with 分', () => {
    expect(ratingLabel(4.8)).toBe('4.8分')
    expect(ratingLabel(5)).toBe('5.0分')
  })

  it('says 暂无评分 before the first review', () => {
    expect(ratingLabel(null)).toBe('暂无评分')
    expect(ratingLabel(Number.NaN)).toBe('暂无评分')
  })
})
