import { MESSAGE_MAX_CHARS, type MessageView, type SessionView } from '@qingting/shared'
import {
  chatLines,
  composeState,
  countdownTarget,
  durationLabel,
  expectedRefundFen,
  lastPeerSeq,
  mergeMessages,
  reminderDue,
  REPORT_REASONS,
  CRISIS_REPORT_REASON,
  sessionLine,
  sessionPhase,
  summaryLines,
} from '../src/packages/session/format'
import { roomReturnUrl } from '../src/packages/session/pay-return.h5'
import { formatCountdown, msLeft } from '../src/utils/orders'

const T0 = Date.parse('2025-03-01T02:00:00Z')
const iso = (ms: number) => new Date(ms).toISOString()

function view(over: Partial<SessionView> = {}): SessionView {
  return {
    id: 's1', orderId: 'o1', conversationId: 'c1', serviceType: 'TEXT', status: 'ACTIVE', myRole: 'talker',
    peer: { alias: '晚风', avatarUrl: '/api/avatars/1.svg' }, startBy: iso(T0 + 30 * 60_000), talkerPresent: true, listenerPresent: true,
    startedAt: iso(T0), endsAt: iso(T0 + 30 * 60_000), paidSeconds: 1800, endedAt: null, endReason: null, usedSeconds: null, chargedFen: null,
    extensionPending: false, retainUntil: null, reviewed: false, disputable: false, serverTime: iso(T0), ...over,
  }
}

function msg(seq: number, over: Partial<MessageView> = {}): MessageView {
  return { id: `m${seq}`, conversationId: 'c1', seq, senderRole: 'LISTENER', from: 'peer', alias: null, kind: 'TEXT', text: `t${seq}`, masked: false, clientId: null, at: iso(T0), ...over }
}

describe('the room countdown (on the server clock)', () => {
  it('counts to the paid end while active and to the start-by while waiting', () => {
    expect(countdownTarget(view())).toEqual({ label: '剩余时间', deadline: iso(T0 + 30 * 60_000) })
    expect(countdownTarget(view({ status: 'WAITING', endsAt: null }))).toEqual({ label: '开始截止', deadline: iso(T0 + 30 * 60_000) })
    expect(countdownTarget(view({ status: 'ENDED' }))).toBeNull()
  })

  it('formats what is left at the server time, whatever the phone clock says', () => {
    const deadline = iso(T0 + 30 * 60_000)
    // The server is 10 minutes ahead of the phone: 20 minutes left, not 30.
    const serverNow = T0 + 10 * 60_000
    expect(formatCountdown(msLeft(deadline, serverNow))).toBe('20:00')
    expect(formatCountdown(msLeft(deadline, T0, 10 * 60_000))).toBe('20:00')
    expect(formatCountdown(msLeft(deadline, T0 + 29 * 60_000 + 59_001))).toBe('00:01')
    expect(formatCountdown(msLeft(deadline, T0 + 31 * 60_000))).toBe('00:00')
    expect(formatCountdown(msLeft(iso(T0 + 2 * 3600_000 + 65_000), T0))).toBe('2:01:05')
  })

  it('shows the T−5 reminder only in the last five minutes of an active session', () => {
    const end = T0 + 30 * 60_000
    expect(reminderDue(view(), end - 5 * 60_000 - 1)).toBe(false)
    expect(reminderDue(view(), end - 5 * 60_000)).toBe(true)
    expect(reminderDue(view(), end - 1000)).toBe(true)
    expect(reminderDue(view(), end)).toBe(false)
    expect(reminderDue(view({ status: 'WAITING' }), end - 1000)).toBe(false)
  })
})

describe('session labels', () => {
  it('phases and one-line descriptions', () => {
    expect(sessionPhase(view({ status: 'WAITING' }))).toBe('waiting')
    expect(sessionPhase(view({ status: 'CANCELLED' }))).toBe('cancelled')
    expect(sessionLine(view({ status: 'WAITING', listenerPresent: true }))).toBe('对方已进入，等你开始')
    expect(sessionLine(view({ status: 'WAITING', myRole: 'listener', talkerPresent: false }))).toBe('等待双方进入')
    expect(sessionLine(view())).toBe('会话进行中')
    expect(sessionLine(view({ status: 'ENDED', endReason: 'TALKER_ENDED' }))).toBe('倾诉者提前结束了会话')
    expect(sessionLine(view({ status: 'ENDED', usedSeconds: 65 }))).toBe('已结束 · 1分05秒')
  })

  it('durations in Chinese', () => {
    expect(durationLabel(0)).toBe('0秒')
    expect(durationLabel(null)).toBe('0秒')
    expect(durationLabel(59.6)).toBe('1分00秒')
    expect(durationLabel(900)).toBe('15分00秒')
    expect(durationLabel(3725)).toBe('1小时2分05秒')
  })

  it('the ended summary: time used, charged, refund (in progress until WeChat Pay returns it)', () => {
    const ended = view({ status: 'ENDED', usedSeconds: 300, chargedFen: 3000, endReason: 'TALKER_ENDED', paidSeconds: 1800 })
    const order = { totalFen: 6000, refundedFen: 0, minutes: 30 }
    expect(summaryLines(ended, order)).toEqual([
      { key: 'used', label: '通话时长', value: '5分00秒' },
      { key: 'charged', label: '实际计费', value: '¥30.00' },
      { key: 'refund', label: '退款', value: '¥30.00（退款处理中，将原路退回）' },
    ])
    expect(summaryLines(ended, { ...order, refundedFen: 3000 })[2].value).toBe('¥30.00（已原路退回）')
    expect(summaryLines(ended, null).map((l) => l.key)).toEqual(['used', 'charged'])
    expect(summaryLines(view({ status: 'ENDED', chargedFen: 6000, endReason: 'TIME_UP' }), order)[2].value).toBe('¥0.00')
    // A paid extension: its price is not in view, so only what was refunded already.
    const extended = view({ status: 'ENDED', chargedFen: 4000, paidSeconds: 2700 })
    expect(expectedRefundFen(extended, order)).toBeNull()
    expect(summaryLines(extended, { ...order, refundedFen: 500 })[2].value).toBe('¥5.00（已原路退回）')
    expect(summaryLines(extended, order)[2].value).toBe('多付部分将原路退回')
  })

  it('report reasons are the server list, with the crisis reason among them', () => {
    expect(REPORT_REASONS).toContain(CRISIS_REPORT_REASON)
  })
})

describe('composing', () => {
  it('counts code points like the server (an emoji counts once) and stops at MESSAGE_MAX_CHARS', () => {
    expect(composeState('你好😊')).toEqual({ count: 3, counter: `3/${MESSAGE_MAX_CHARS}`, over: false, sendable: true })
    expect(composeState('   ').sendable).toBe(false)
    expect(composeState('😊'.repeat(MESSAGE_MAX_CHARS)).over).toBe(false)
    const over = composeState('a'.repeat(MESSAGE_MAX_CHARS + 1))
    expect(over.over).toBe(true)
    expect(over.sendable).toBe(false)
  })
})

describe('the chat list', () => {
  it('merges in seq order, each seq once', () => {
    const list = mergeMessages([msg(1), msg(3)], [msg(2), msg(3, { text: 'dup' }), msg(4)])
    expect(list.map((m) => [m.seq, m.text])).toEqual([[1, 't1'], [2, 't2'], [3, 't3'], [4, 't4']])
  })

  it('lines: sides, read marks against the peer read seq, pending sends last', () => {
    const messages = [msg(1), msg(2, { from: 'me', clientId: 'a' }), msg(3, { from: 'system', kind: 'SYSTEM' }), msg(4, { from: 'me', clientId: 'b', masked: true })]
    const pending = [
      { clientId: 'b', conversationId: 'c1', text: 'already stored', at: 0 },
      { clientId: 'c', conversationId: 'c1', text: '还在路上', at: 0 },
    ]
    const lines = chatLines(messages, pending, 2)
    expect(lines.map((l) => [l.side, l.mark, l.seq])).toEqual([
      ['peer', null, 1],
      ['me', '已读', 2],
      ['system', null, 3],
      ['me', '未读', 4],
      ['me', '发送中', null],
    ])
    expect(lines[3].masked).toBe(true)
    expect(lastPeerSeq(messages)).toBe(1)
  })
})

describe('the H5 cashier return to the room', () => {
  afterEach(() => {
    delete (globalThis as { location?: unknown }).location
  })
  it('is the room page of the session (hash routing)', () => {
    ;(globalThis as { location?: unknown }).location = { origin: 'http://127.0.0.1:4100', pathname: '/' }
    expect(roomReturnUrl('s 1')).toBe('http://127.0.0.1:4100/#/packages/session/room/index?id=s%201')
  })
})
