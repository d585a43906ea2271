import { WS_CLOSE, WS_HEARTBEAT_MS, type ClientFrame, type MessageView, type ServerFrame } from '@qingting/shared'
import { RealtimeClient, wsUrl, type OpenSocket, type RealtimeOptions, type SocketConnection, type SocketHandlers } from '../src/services/realtime'

/** One fake WebSocket: records what the client sends; the test plays the server through it. */
class FakeSocket implements SocketConnection {
  sent: ClientFrame[] = []
  closedWith: { code?: number; reason?: string } | null = null
  constructor(
    readonly url: string,
    private readonly h: SocketHandlers,
  ) {}
  send(data: string) {
    if (this.closedWith) throw new Error('send on a closed socket')
    this.sent.push(JSON.parse(data) as ClientFrame)
  }
  close(code?: number, reason?: string) {
    this.closedWith = { code, reason }
  }
  // --- the server's side ---
  open() {
    this.h.onOpen()
  }
  push(frame: ServerFrame) {
    this.h.onMessage(JSON.stringify(frame))
  }
  drop(code = 1006) {
    this.h.onClose(code, '')
  }
  of<T extends ClientFrame['type']>(type: T): Extract<ClientFrame, { type: T }>[] {
    return this.sent.filter((f) => f.type === type) as Extract<ClientFrame, { type: T }>[]
  }
}

const CONV = 'c0000000-0000-0000-0000-000000000001'

function msg(seq: number, over: Partial<MessageView> = {}): MessageView {
  return { id: `m${seq}`, conversationId: CONV, seq, senderRole: 'LISTENER', from: 'peer', alias: null, kind: 'TEXT', text: `消息${seq}`, masked: false, clientId: null, at: new Date(0).toISOString(), ...over }
}

function setup(over: Partial<RealtimeOptions> = {}) {
  const sockets: FakeSocket[] = []
  const open: OpenSocket = (url, handlers) => {
    const s = new FakeSocket(url, handlers)
    sockets.push(s)
    return s
  }
  let token: string | null = 'token-aaaaaaaaaaaaaaaaaaaaaaaa'
  let ids = 0
  const login = jest.fn(async () => {
    token = `token-fresh-${sockets.length}-aaaaaaaaaaaaaaaa`
  })
  const client = new RealtimeClient({ url: 'ws://api.test/ws', open, token: () => token, login, random: () => 0.999999, newClientId: () => `cid-${++ids}`, ...over })
  const seen: MessageView[] = []
  client.on('message', (m) => seen.push(m))
  const last = () => sockets[sockets.length - 1]
  /** Opens the newest socket and answers its auth with `ready`. */
  const ready = (serverTime = Date.now()) => {
    last().open()
    last().push({ type: 'ready', userId: 'me', serverTime })
  }
  return { client, sockets, last, ready, seen, login, setToken: (t: string | null) => (token = t) }
}

beforeEach(() => {
  jest.useFakeTimers({ now: new Date('2025-03-01T02:00:00Z') })
})
afterEach(() => {
  jest.useRealTimers()
})

describe('wsUrl', () => {
  it('turns the API origin into the socket URL', () => {
    expect(wsUrl('http://127.0.0.1:3000')).toBe('ws://127.0.0.1:3000/ws')
    expect(wsUrl('https://api.qingting.example/')).toBe('wss://api.qingting.example/ws')
    // The H5 build calls its own origin (empty base).
    expect(wsUrl('', 'http://localhost:4100')).toBe('ws://localhost:4100/ws')
    expect(() => wsUrl('', undefined)).toThrow()
  })
})

describe('RealtimeClient: connect and resume', () => {
  it('sends auth first, then subscribes every conversation once ready', () => {
    const t = setup()
    const statuses: string[] = []
    t.client.on('status', (s) => statuses.push(s))
    t.client.subscribe(CONV, 0)
    t.client.connect()
    expect(t.last().url).toBe('ws://api.test/ws')
    expect(t.last().sent).toEqual([])
    t.last().open()
    expect(t.last().sent).toEqual([{ type: 'auth', token: 'token-aaaaaaaaaaaaaaaaaaaaaaaa' }])
    t.last().push({ type: 'ready', userId: 'me', serverTime: Date.now() })
    expect(t.last().sent.map((f) => f.type)).toEqual(['auth', 'ping', 'subscribe'])
    expect(t.last().of('subscribe')).toEqual([{ type: 'subscribe', conversationId: CONV, afterSeq: 0 }])
    expect(statuses).toEqual(['connecting', 'online'])
    expect(t.client.userId).toBe('me')
  })

  it('after a drop, reconnects and resumes after the last seq seen, delivering nothing twice', () => {
    const t = setup()
    t.client.subscribe(CONV)
    t.client.connect()
    t.ready()
    t.last().push({ type: 'history', conversationId: CONV, messages: [msg(1), msg(2)], lastSeq: 2 })
    t.last().push({ type: 'message', message: msg(3) })
    expect(t.seen.map((m) => m.seq)).toEqual([1, 2, 3])

    t.last().drop()
    expect(t.client.status).toBe('offline')
    expect(t.sockets).toHaveLength(1)
    jest.advanceTimersByTime(t.client.backoffDelay(0))
    expect(t.sockets).toHaveLength(2)
    t.ready()
    expect(t.last().of('subscribe')).toEqual([{ type: 'subscribe', conversationId: CONV, afterSeq: 3 }])
    // The server resends 3 (say it raced) and the new 4; a live copy of 4 arrives as well.
    t.last().push({ type: 'history', conversationId: CONV, messages: [msg(3), msg(4)], lastSeq: 4 })
    t.last().push({ type: 'message', message: msg(4) })
    expect(t.seen.map((m) => m.seq)).toEqual([1, 2, 3, 4])
    expect(t.client.lastSeq(CONV)).toBe(4)
  })

  it('resumes past messages the server no longer keeps (a group chat keeps a rolling window): a history starting above the resume point', () => {
    const t = setup()
    t.client.subscribe(CONV)
    t.client.connect()
    t.ready()
    // Seqs 1–4 were deleted by the retention window: the history starts at 5.
    t.last().push({ type: 'history', conversationId: CONV, messages: [msg(5), msg(6)], lastSeq: 6 })
    expect(t.seen.map((m) => m.seq)).toEqual([5, 6])
    expect(t.client.lastSeq(CONV)).toBe(6)
    t.last().push({ type: 'message', message: msg(7) })
    expect(t.client.lastSeq(CONV)).toBe(7)
  })

  it('keeps the resume point below a hole: out-of-order messages are delivered once, the hole is asked for again', () => {
    const t = setup()
    t.client.subscribe(CONV, 10)
    t.client.connect()
    t.ready()
    t.last().push({ type: 'message', message: msg(12) })
    expect(t.seen.map((m) => m.seq)).toEqual([12])
    expect(t.client.lastSeq(CONV)).toBe(10)
    t.last().drop()
    jest.advanceTimersByTime(60_000)
    t.ready()
    expect(t.last().of('subscribe')[0].afterSeq).toBe(10)
    t.last().push({ type: 'history', conversationId: CONV, messages: [msg(11), msg(12)], lastSeq: 12 })
    expect(t.seen.map((m) => m.seq)).toEqual([12, 11])
    expect(t.client.lastSeq(CONV)).toBe(12)
  })

  it('fills a hole the socket leaves over REST (GET /conversations/:id/messages), page by page', async () => {
    const fetchAfter = jest.fn(async (_c: string, afterSeq: number) => {
      const all = [1, 2, 3, 4, 5].filter((s) => s > afterSeq).slice(0, 2).map((s) => msg(s))
      return { messages: all, lastSeq: 5 }
    })
    const t = setup({ fetchAfter })
    t.client.subscribe(CONV)
    t.client.connect()
    t.ready()
    // A capped history frame: only 1 of 5.
    t.last().push({ type: 'history', conversationId: CONV, messages: [msg(1)], lastSeq: 5 })
    await jest.runAllTimersAsync()
    expect(fetchAfter.mock.calls.map((c) => c[1])).toEqual([1, 3])
    expect(t.seen.map((m) => m.seq)).toEqual([1, 2, 3, 4, 5])
    expect(t.client.lastSeq(CONV)).toBe(5)
  })

  it('asks REST when a live message leaves a hole that does not fill by itself', async () => {
    const fetchAfter = jest.fn(async () => ({ messages: [msg(2), msg(3)], lastSeq: 3 }))
    const t = setup({ fetchAfter, gapWaitMs: 1000 })
    t.client.subscribe(CONV)
    t.client.connect()
    t.ready()
    t.last().push({ type: 'history', conversationId: CONV, messages: [msg(1)], lastSeq: 1 })
    t.last().push({ type: 'message', message: msg(3) })
    expect(fetchAfter).not.toHaveBeenCalled()
    await jest.advanceTimersByTimeAsync(1000)
    expect(fetchAfter).toHaveBeenCalledWith(CONV, 1)
    expect(t.seen.map((m) => m.seq)).toEqual([1, 3, 2])
    expect(t.client.lastSeq(CONV)).toBe(3)
  })

  it('backs off exponentially (with jitter, capped) and starts over after a successful connect', () => {
    const t = setup({ backoffBaseMs: 500, backoffMaxMs: 8000, random: () => 0 })
    expect([0, 1, 2, 3, 4, 5, 10].map((a) => t.client.backoffDelay(a))).toEqual([250, 500, 1000, 2000, 4000, 4000, 4000])
    t.client.connect()
    t.last().drop()
    jest.advanceTimersByTime(249)
    expect(t.sockets).toHaveLength(1)
    jest.advanceTimersByTime(1)
    expect(t.sockets).toHaveLength(2)
    t.last().drop()
    jest.advanceTimersByTime(499)
    expect(t.sockets).toHaveLength(2)
    jest.advanceTimersByTime(1)
    expect(t.sockets).toHaveLength(3)
    t.ready()
    t.last().drop()
    jest.advanceTimersByTime(250)
    expect(t.sockets).toHaveLength(4)
  })

  it('on 4401 logs in again and reconnects with the new token', async () => {
    const t = setup()
    t.client.connect()
    t.last().open()
    t.last().drop(WS_CLOSE.unauthorized)
    await jest.advanceTimersByTimeAsync(0)
    expect(t.login).toHaveBeenCalledTimes(1)
    await jest.advanceTimersByTimeAsync(60_000)
    expect(t.sockets).toHaveLength(2)
    t.last().open()
    expect(t.last().sent[0]).toEqual({ type: 'auth', token: 'token-fresh-1-aaaaaaaaaaaaaaaa' })
  })

  it('logs in first when there is no token yet', async () => {
    const t = setup()
    t.setToken(null)
    t.client.connect()
    expect(t.sockets).toHaveLength(0)
    await jest.advanceTimersByTimeAsync(0)
    expect(t.login).toHaveBeenCalledTimes(1)
    expect(t.sockets).toHaveLength(1)
  })

  it('close() stops for good: no reconnect, the socket closed normally', () => {
    const t = setup()
    t.client.connect()
    t.ready()
    t.client.close()
    expect(t.sockets[0].closedWith).toEqual({ code: 1000, reason: 'bye' })
    t.sockets[0].drop(1000)
    jest.advanceTimersByTime(120_000)
    expect(t.sockets).toHaveLength(1)
    expect(t.client.status).toBe('closed')
  })
})

describe('RealtimeClient: sending', () => {
  it('queues while offline and sends after the resume, under the same clientId until acked', () => {
    const t = setup()
    const pendingEvents: string[] = []
    t.client.on('pending', (c) => pendingEvents.push(c))
    t.client.subscribe(CONV)
    const p = t.client.send(CONV, '你好')
    expect(t.client.pending(CONV)).toEqual([p])
    t.client.connect()
    t.ready()
    // Subscribe (resume) first, then the queued send.
    expect(t.last().sent.map((f) => f.type)).toEqual(['auth', 'ping', 'subscribe', 'send'])
    expect(t.last().of('send')).toEqual([{ type: 'send', conversationId: CONV, clientId: 'cid-1', text: '你好' }])

    // The line drops before the ack: resent after the reconnect, same clientId.
    t.last().drop()
    jest.advanceTimersByTime(60_000)
    t.ready()
    expect(t.last().of('send')).toEqual([{ type: 'send', conversationId: CONV, clientId: 'cid-1', text: '你好' }])

    const stored = msg(1, { from: 'me', senderRole: 'TALKER', clientId: 'cid-1', text: '你好' })
    t.last().push({ type: 'ack', clientId: 'cid-1', message: stored })
    expect(t.client.pending(CONV)).toEqual([])
    expect(t.seen).toEqual([stored])
    // The server may ack a duplicate again and fan the message out too: still one message.
    t.last().push({ type: 'ack', clientId: 'cid-1', message: stored })
    t.last().push({ type: 'message', message: stored })
    expect(t.seen).toHaveLength(1)
    expect(pendingEvents).toEqual([CONV, CONV])
  })

  it('a stored message of mine that arrives before its ack (e.g. in the resume history) settles the send', () => {
    const t = setup()
    t.client.subscribe(CONV)
    t.client.connect()
    t.ready()
    t.client.send(CONV, '在吗')
    t.last().drop()
    jest.advanceTimersByTime(60_000)
    t.ready()
    t.last().push({ type: 'history', conversationId: CONV, messages: [msg(1, { from: 'me', clientId: 'cid-1', text: '在吗' })], lastSeq: 1 })
    expect(t.client.pending(CONV)).toEqual([])
    expect(t.seen.map((m) => m.text)).toEqual(['在吗'])
  })

  it('a refused send is no longer pending and is reported', () => {
    const t = setup()
    const failed: [string, string][] = []
    const errors: string[] = []
    t.client.on('sendFailed', (p, code) => failed.push([p.clientId, code]))
    t.client.on('error', (f) => errors.push(f.code))
    t.client.subscribe(CONV)
    t.client.connect()
    t.ready()
    t.client.send(CONV, 'x'.repeat(10))
    t.last().push({ type: 'error', ref: 'cid-1', code: 'chat/rate_limited', message: '发送太频繁' })
    t.last().push({ type: 'error', ref: 'subscribe', code: 'chat/not_member', message: '无权查看' })
    expect(failed).toEqual([['cid-1', 'chat/rate_limited']])
    expect(errors).toEqual(['chat/not_member'])
    expect(t.client.pending(CONV)).toEqual([])
  })

  it('throttles typing and only ever raises the read mark, re-sending it after a reconnect', () => {
    const t = setup({ typingIntervalMs: 3000 })
    t.client.subscribe(CONV)
    t.client.connect()
    t.ready()
    t.client.typing(CONV)
    t.client.typing(CONV)
    jest.advanceTimersByTime(2999)
    t.client.typing(CONV)
    jest.advanceTimersByTime(1)
    t.client.typing(CONV)
    expect(t.last().of('typing')).toHaveLength(2)

    t.client.markRead(CONV, 3)
    t.client.markRead(CONV, 2)
    t.client.markRead(CONV, 3)
    expect(t.last().of('read')).toEqual([{ type: 'read', conversationId: CONV, seq: 3 }])
    t.last().drop()
    t.client.markRead(CONV, 5)
    jest.advanceTimersByTime(60_000)
    t.ready()
    expect(t.last().of('read')).toEqual([{ type: 'read', conversationId: CONV, seq: 5 }])
  })

  it('passes session, typing, read and care frames on', () => {
    const t = setup()
    const got: string[] = []
    for (const type of ['session', 'typing', 'read', 'care', 'order'] as const) t.client.on(type, () => got.push(type))
    t.client.connect()
    t.ready()
    t.last().push({ type: 'typing', conversationId: CONV, from: 'peer', alias: null })
    t.last().push({ type: 'read', conversationId: CONV, from: 'peer', seq: 2 })
    t.last().push({ type: 'care', conversationId: CONV, audience: 'talker' })
    t.last().push({ type: 'order', orderId: 'o1', event: 'paid' })
    expect(got).toEqual(['typing', 'read', 'care', 'order'])
  })
})

describe('RealtimeClient: server clock and heartbeat', () => {
  it('takes the clock offset from pong (half the round trip), preferring the shortest round trip', () => {
    const t = setup()
    t.client.connect()
    const serverAhead = 90_000
    t.ready(Date.now() + serverAhead)
    // `ready` alone gives a rough offset.
    expect(t.client.clockOffset).toBe(serverAhead)
    const ping = t.last().of('ping')[0]
    jest.advanceTimersByTime(200)
    // The server read its clock 100 ms after the ping left (half of the 200 ms round trip).
    t.last().push({ type: 'pong', t: ping.t, serverTime: ping.t + 100 + serverAhead + 40 })
    expect(t.client.clockOffset).toBe(serverAhead + 40)
    // A slower sample later does not replace the better one.
    jest.advanceTimersByTime(WS_HEARTBEAT_MS)
    const ping2 = t.last().of('ping')[1]
    jest.advanceTimersByTime(2000)
    t.last().push({ type: 'pong', t: ping2.t, serverTime: ping2.t + 1000 + serverAhead + 900 })
    expect(t.client.clockOffset).toBe(serverAhead + 40)
    expect(t.client.serverNow()).toBe(Date.now() + serverAhead + 40)
  })

  it('a REST serverTime is used until the socket measured the clock, then ignored', () => {
    const t = setup()
    t.client.noteServerTime(new Date(Date.now() + 5000).toISOString())
    expect(t.client.clockOffset).toBe(5000)
    t.client.connect()
    t.ready(Date.now() - 3000)
    const ping = t.last().of('ping')[0]
    t.last().push({ type: 'pong', t: ping.t, serverTime: ping.t - 3000 })
    t.client.noteServerTime(new Date(Date.now() + 5000).toISOString())
    expect(t.client.clockOffset).toBe(-3000)
  })

  it('pings every WS_HEARTBEAT_MS and drops a silent line, then reconnects', () => {
    const t = setup()
    t.client.subscribe(CONV)
    t.client.connect()
    t.ready()
    expect(t.last().of('ping')).toHaveLength(1)
    jest.advanceTimersByTime(WS_HEARTBEAT_MS)
    expect(t.last().of('ping')).toHaveLength(2)
    t.last().push({ type: 'pong', t: Date.now(), serverTime: Date.now() })
    jest.advanceTimersByTime(WS_HEARTBEAT_MS)
    expect(t.last().of('ping')).toHaveLength(3)
    // No answer for more than two beats: the socket is closed and a new one opened.
    jest.advanceTimersByTime(WS_HEARTBEAT_MS * 2)
    expect(t.sockets[0].closedWith?.code).toBe(4000)
    expect(t.client.status).toBe('offline')
    jest.advanceTimersByTime(60_000)
    expect(t.sockets).toHaveLength(2)
  })
})
