import { formatFen, type ListenerCard, type ServiceType } from '@qingting/shared'

const SERVICE_LABELS: Record<ServiceType, string> = {
  TEXT: '文字',
  VOICE: '语音',
}

/** Price per 15-minute unit, e.g. `¥30.00/15分钟`. */
export function pricePer15Min(fen: number): string {
  return `${formatFen(fen)}/15分钟`
}

/** One label per offered service, text first: `['文字 ¥30.00/15分钟', '语音 ¥50.00/15分钟']`. */
export function priceLabels(prices: ListenerCard['prices']): string[] {
  const out: string[] = []
  for (const type of ['TEXT', 'VOICE'] as const) {
    const fen = prices[type]
    if (typeof fen === 'number') out.push(`${SERVICE_LABELS[type]} ${pricePer15Min(fen)}`)
  }
  return out
}

/** `4.8分` with one decimal, or `暂无评分` before the first review. */
export function ratingLabel(rating: number | null): string {
  if (rating === null || !Number.isFinite(rating)) return '暂无评分'
  return `${rating.toFixed(1)}分`
}
