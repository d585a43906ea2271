import type { MessageView } from '@qingting/shared'
import type { GroupView, MyMembership } from '../src/services/groups'
import type { PendingSend } from '../src/services/realtime'
import {
  announcementFrom,
  createGroupInput,
  dateTimeLabel,
  groupChatLines,
  joinBlocker,
  leaveConfirmText,
  memberState,
  mutedLabel,
  myGroupLine,
  priceFromLabel,
  refundable,
  refundWindowText,
  renewedEnd,
  seatsLabel,
  spanLabel,
  termOptions,
  type CreateGroupForm,
} from '../src/packages/groups/format'
import { groupReturnUrl } from '../src/packages/groups/checkout'

const T0 = Date.parse('2025-03-01T02:00:00Z')
const H = 3600_000
const iso = (ms: number) => new Date(ms).toISOString()
const ME = 'u-me'

function group(over: Partial<GroupView> = {}): GroupView {
  return {
    id: 'g1', name: '职场互助', intro: '一起聊聊职场', topic: 'CAREER', price30Fen: 3000, price90Fen: 8000, price365Fen: null,
    capacity: 50, seatsTaken: 12, status: 'OPEN', announcement: null, owner: { id: 'u-owner', alias: '晚风', avatar: '/api/avatars/1.svg' },
    conversationId: 'c1', myMembership: null, reviewNote: null, createdAt: iso(T0), ...over,
  }
}
function membership(over: Partial<MyMembership> = {}): MyMembership {
  return { id: 'm1', groupId: 'g1', status: 'ACTIVE', orderId: 'o1', reservedUntil: null, joinedAt: iso(T0), endsAt: iso(T0 + 30 * 24 * H), mutedUntil: null, refundableUntil: iso(T0 + 72 * H), ...over }
}

describe('terms and prices', () => {
  it('offers only priced terms, shortest first, with the price per day', () => {
    expect(termOptions(group())).toEqual([
      { termDays: 30, priceFen: 3000, label: '30 天', price: '¥30.00', perDay: '约 ¥1.00/天' },
      { termDays: 90, priceFen: 8000, label: '90 天', price: '¥80.00', perDay: '约 ¥0.89/天' },
    ])
    expect(termOptions(group({ price30Fen: null, price90Fen: null, price365Fen: 36500 })).map((o) => o.termDays)).toEqual([365])
  })
  it('labels the cheapest term, with 起 only when there are several', () => {
    expect(priceFromLabel(group())).toBe('¥30.00/30 天起')
    expect(priceFromLabel(group({ price90Fen: null }))).toBe('¥30.00/30 天')
    expect(priceFromLabel(group({ price30Fen: null, price90Fen: null }))).toBe('暂未定价')
  })
  it('shows seats taken and left, and full', () => {
    expect(seatsLabel(group())).toBe('12/50 人 · 剩余 38 个名额')
    expect(seatsLabel(group({ seatsTaken: 50 }))).toBe('50/50 人 · 已满员')
  })
  it('says why a group cannot be joined', () => {
    expect(joinBlocker(group())).toBeNull()
    expect(joinBlocker(group({ seatsTaken: 50 }))).toBe('群组已满员')
    expect(joinBlocker(group({ status: 'CLOSED' }))).toBe('群组已关闭，不再接受新成员')
    expect(joinBlocker(group({ status: 'PENDING_REVIEW' }))).toBe('群组审核中，暂不能加入')
    expect(joinBlocker(group({ price30Fen: null, price90Fen: null }))).toBe('群组暂未定价')
  })
  it('extends a renewal from the current end, or from now once it has passed', () => {
    expect(renewedEnd(iso(T0 + 10 * 24 * H), 30, T0)).toBe(iso(T0 + 40 * 24 * H))
    expect(renewedEnd(iso(T0 - H), 90, T0)).toBe(iso(T0 + 90 * 24 * H))
    expect(renewedEnd(null, 365, T0)).toBe(iso(T0 + 365 * 24 * H))
  })
})

describe('member state', () => {
  it('tells owner, active member, pending reservation and outsider apart', () => {
    expect(memberState(group(), 'u-owner', T0)).toBe('owner')
    expect(memberState(group({ myMembership: membership() }), ME, T0)).toBe('active')
    expect(memberState(group({ myMembership: membership({ status: 'RESERVED', endsAt: null }) }), ME, T0)).toBe('reserved')
    expect(memberState(group(), ME, T0)).toBe('none')
    // Before the viewer is known, nobody is taken for the owner.
    expect(memberState(group(), null, T0)).toBe('none')
    for (const status of ['EXPIRED', 'LEFT', 'REMOVED', 'REFUNDED', 'RELEASED'] as const) {
      expect(memberState(group({ myMembership: membership({ status }) }), ME, T0)).toBe('none')
    }
  })
  it('treats an active membership past its end as over (before the expiry job runs)', () => {
    expect(memberState(group({ myMembership: membership({ endsAt: iso(T0 - 1) }) }), ME, T0)).toBe('none')
  })
  it('shows a mute only while it lasts', () => {
    expect(mutedLabel(iso(T0 + H), T0)).toBe('禁言中，至 2025-03-01 11:00')
    expect(mutedLabel(iso(T0 - 1), T0)).toBeNull()
    expect(mutedLabel(null, T0)).toBeNull()
  })
  it('describes my groups on the 消息 tab', () => {
    expect(myGroupLine(group(), true)).toBe('我是群主 · 招募中')
    expect(myGroupLine(group({ myMembership: membership() }), false)).toBe('有效期至 2025-03-31 10:00')
    expect(myGroupLine(group({ myMembership: membership({ status: 'LEFT' }) }), false)).toBe('已退出')
  })
})

describe('the 72-hour refund rule', () => {
  it('states the rule before joining', () => {
    expect(refundWindowText(null, T0)).toBe('加入后 72 小时内退出可全额退款，超过 72 小时退出不退款。')
  })
  it('inside the window: full refund, with its deadline and time left', () => {
    const m = membership()
    expect(refundable(m, T0 + 70 * H)).toBe(true)
    expect(refundWindowText(m, T0 + 70 * H + 30 * 60_000)).toBe('现在退出可全额退款（退款截止 2025-03-04 10:00，还剩 1 小时 30 分）。')
    expect(refundWindowText(m, T0 + H)).toContain('还剩 2 天 23 小时')
  })
  it('after the window: no refund, said plainly before confirming', () => {
    const m = membership()
    expect(refundable(m, T0 + 72 * H)).toBe(false)
    expect(leaveConfirmText(m, T0 + 72 * H)).toBe('已超过加入后 72 小时，现在退出不退款，剩余时长也将作废。退出后将无法查看群聊，如需再加入需重新付费。确定退出吗？')
    expect(refundable(membership({ refundableUntil: null }), T0)).toBe(false)
  })
  it('formats spans coarsely', () => {
    expect(spanLabel(59_000)).toBe('1 分钟')
    expect(spanLabel(5 * 60_000)).toBe('5 分钟')
    expect(spanLabel(2 * H)).toBe('2 小时')
    expect(spanLabel(49 * H)).toBe('2 天 1 小时')
    expect(dateTimeLabel('bad')).toBe('')
  })
})

describe('group chat lines', () => {
  const msg = (seq: number, from: MessageView['from'], over: Partial<MessageView> = {}): MessageView => ({
    id: `m${seq}`, conversationId: 'c1', seq, senderRole: from === 'system' ? null : from === 'me' ? 'MEMBER' : 'OWNER', from,
    alias: from === 'peer' ? '晚风' : null, kind: from === 'system' ? 'SYSTEM' : 'TEXT', text: `t${seq}`, masked: false, clientId: from === 'me' ? `cl${seq}` : null, at: iso(T0), ...over,
  })
  it('names others by alias, marks the owner, and appends unacked sends once', () => {
    const pending: PendingSend[] = [
      { clientId: 'cl2', conversationId: 'c1', text: 't2', at: T0 },
      { clientId: 'cl9', conversationId: 'c1', text: '还在路上', at: T0 },
    ]
    const lines = groupChatLines([msg(1, 'peer'), msg(2, 'me'), msg(3, 'peer', { senderRole: 'MEMBER', alias: '远山' }), msg(4, 'system')], pending)
    expect(lines.map((l) => [l.side, l.alias, l.owner, l.text, l.sending])).toEqual([
      ['peer', '晚风', true, 't1', false],
      ['me', null, false, 't2', false],
      ['peer', '远山', false, 't3', false],
      ['system', null, false, 't4', false],
      ['me', null, false, '还在路上', true],
    ])
  })
})

describe('pinned announcement', () => {
  it('is read from the server\'s system line only', () => {
    expect(announcementFrom({ kind: 'SYSTEM', text: '【群公告】每周三晚上八点分享' })).toBe('每周三晚上八点分享')
    expect(announcementFrom({ kind: 'TEXT', text: '【群公告】假的' })).toBeNull()
    expect(announcementFrom({ kind: 'SYSTEM', text: '晚风 加入了群组' })).toBeNull()
  })
})

describe('create form', () => {
  const form = (over: Partial<CreateGroupForm> = {}): CreateGroupForm => ({
    name: ' 职场互助 ', intro: '一起聊聊职场里的困惑和成长', topic: 'CAREER', price30: '29.9', price90: '', price365: '299', capacity: '100', ...over,
  })
  it('turns yuan into fen and leaves unpriced terms out', () => {
    expect(createGroupInput(form())).toEqual({ ok: true, input: { name: '职场互助', intro: '一起聊聊职场里的困惑和成长', topic: 'CAREER', price30Fen: 2990, price365Fen: 29900, capacity: 100 } })
  })
  it('refuses bad input with a Chinese reason', () => {
    expect(createGroupInput(form({ name: 'a' }))).toEqual({ ok: false, error: '群名称需为 2–30 个字' })
    expect(createGroupInput(form({ intro: '太短' }))).toEqual({ ok: false, error: '群介绍需为 10–500 个字' })
    expect(createGroupInput(form({ topic: '' }))).toEqual({ ok: false, error: '请选择话题' })
    expect(createGroupInput(form({ price30: '1.234' }))).toEqual({ ok: false, error: '30 天价格格式不对（如 29.9）' })
    expect(createGroupInput(form({ price30: '', price365: '' }))).toEqual({ ok: false, error: '请至少设置一个期限的价格' })
    expect(createGroupInput(form({ capacity: '1' }))).toEqual({ ok: false, error: '人数上限需为 2–2000 的整数' })
    expect(createGroupInput(form({ capacity: '10.5' }))).toEqual({ ok: false, error: '人数上限需为 2–2000 的整数' })
  })
})

describe('checkout return', () => {
  it('brings the H5 cashier back to the group with its order', () => {
    const g = globalThis as { location?: unknown }
    const saved = g.location
    g.location = { origin: 'http://127.0.0.1:3000', pathname: '/' }
    try {
      expect(groupReturnUrl('g 1', 'o1')).toBe('http://127.0.0.1:3000/#/packages/groups/detail/index?id=g%201&orderId=o1')
    } finally {
      g.location = saved
    }
  })
})
