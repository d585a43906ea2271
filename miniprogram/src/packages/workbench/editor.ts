import { HHMM_PATTERN, MAX_WORKING_HOURS_ENTRIES, formatFen, packagePriceBounds, type ListenerTier, type PriceUpdate, type ServiceType, type Topic, type WorkingHoursEntry } from '@qingting/shared'

/** Checks the hours the way the server does, with a Chinese message per problem (empty: fine). */
export function hoursProblems(hours: readonly WorkingHoursEntry[]): string[] {
  const out: string[] = []
  if (hours.length > MAX_WORKING_HOURS_ENTRIES) out.push(`工作时间最多 ${MAX_WORKING_HOURS_ENTRIES} 段`)
  hours.forEach((h, i) => {
    const n = `第 ${i + 1} 段`
    if (!Number.isInteger(h.day) || h.day < 1 || h.day > 7) out.push(`${n}：请选择星期`)
    if (!HHMM_PATTERN.test(h.start) || !HHMM_PATTERN.test(h.end)) out.push(`${n}：时间格式应为 HH:mm`)
    else if (h.start === h.end) out.push(`${n}：开始和结束不能相同`)
  })
  return out
}

/** A new slot after the last one: the next day, same times (19:00–23:00 for the first). */
export function addSlot(hours: readonly WorkingHoursEntry[]): WorkingHoursEntry[] {
  const last = hours[hours.length - 1]
  const next = last ? { day: (last.day % 7) + 1, start: last.start, end: last.end } : { day: 1, start: '19:00', end: '23:00' }
  return hours.length >= MAX_WORKING_HOURS_ENTRIES ? [...hours] : [...hours, next]
}

/** "25" or "25.5" (yuan, as typed) → 2500 / 2550 fen; '' → null (not offered); anything else → NaN. */
export function yuanToFen(input: string): number | null {
  const s = input.trim()
  if (s === '') return null
  if (!/^\d{1,5}(\.\d{1,2})?$/.test(s)) return Number.NaN
  const [whole, frac = ''] = s.split('.')
  return Number(whole) * 100 + Number(frac.padEnd(2, '0'))
}

export function fenToYuanInput(fen: number | null | undefined): string {
  if (fen === null || fen === undefined) return ''
  return fen % 100 === 0 ? String(fen / 100) : (fen / 100).toFixed(2)
}

const LABEL: Record<ServiceType, string> = { TEXT: '文字', VOICE: '语音' }

/** The price form → the PUT body, or the problems to show (bounds are the listener's tier's). */
export function pricesFromInputs(inputs: Record<ServiceType, string>, bounds: { min: number; max: number }): { ok: true; body: PriceUpdate } | { ok: false; problems: string[] } {
  const body: PriceUpdate = {}
  const problems: string[] = []
  for (const type of ['TEXT', 'VOICE'] as const) {
    const fen = yuanToFen(inputs[type])
    if (fen !== null && Number.isNaN(fen)) problems.push(`${LABEL[type]}价格请输入金额，如 25 或 25.5`)
    else if (fen !== null && (fen < bounds.min || fen > bounds.max)) problems.push(`${LABEL[type]}价格需在 ${formatFen(bounds.min)} 到 ${formatFen(bounds.max)} 之间`)
    body[type] = fen
  }
  if (problems.length === 0 && body.TEXT === null && body.VOICE === null) problems.push('至少需要开通一种服务（文字或语音）')
  return problems.length ? { ok: false, problems } : { ok: true, body }
}

const DAYS = ['周一', '周二', '周三', '周四', '周五', '周六', '周日']

/** 1 → 周一 … 7 → 周日 (kept here: a subpackage must not import another subpackage's code). */
export function dayLabel(day: number): string {
  return DAYS[day - 1] ?? `第${day}天`
}

/** The package lengths the form offers (whole 15-minute units within PACKAGE_MINUTES). */
export const PACKAGE_MINUTE_CHOICES = [30, 60, 90, 120, 180, 300, 600] as const

export interface PackageInput {
  topic: Topic | null
  serviceType: ServiceType | null
  minutes: number
  /** The price as typed, in yuan. */
  price: string
}

/** The package form → the POST body, or the problems to show (the same rules as the server's). */
export function packageFromInputs(input: PackageInput, tier: ListenerTier): { ok: true; body: { topic: Topic; serviceType: ServiceType; minutes: number; priceFen: number } } | { ok: false; problems: string[] } {
  const problems: string[] = []
  if (!input.topic) problems.push('请选择套餐话题')
  if (!input.serviceType) problems.push('请选择服务方式')
  const fen = yuanToFen(input.price)
  const bounds = packagePriceBounds(tier, input.minutes)
  if (fen === null || Number.isNaN(fen)) problems.push('请输入套餐价格，如 88 或 88.5')
  else if (fen < bounds.min || fen > bounds.max) problems.push(`${input.minutes} 分钟的套餐价格需在 ${formatFen(bounds.min)} 到 ${formatFen(bounds.max)} 之间`)
  if (problems.length) return { ok: false, problems }
  return { ok: true, body: { topic: input.topic!, serviceType: input.serviceType!, minutes: input.minutes, priceFen: fen! } }
}
