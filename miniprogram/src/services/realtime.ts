import { WS_CLOSE, WS_HEARTBEAT_MS, type ClientFrame, type MessageView, type ServerFrame } from '@qingting/shared'

/**
 * The real-time client of the chat protocol (shared/src/sessions.ts), free of any platform:
 * the socket comes in as `open` (platform/socket.weapp.ts or socket.h5.ts in the app, a fake in
 * the tests). It keeps one connection alive and makes reconnects invisible to the pages:
 * - `auth` first, then every subscribed conversation is resumed with `afterSeq` = the highest
 *   sequence number up to which everything was seen, so nothing is lost;
 * - each message is handed out once (dedupe by seq), whatever mix of history, live frames,
 *   acks and gap fills brings it;
 * - messages typed while offline, or sent but not acked when the line dropped, are (re)sent
 *   after the reconnect under the same `clientId` until acked: the server stores them once;
 * - a heartbeat measures the server's clock, because countdowns run on server time.
 */

export interface SocketHandlers {
  onOpen(): void
  onMessage(data: string): void
  onClose(code: number, reason: string): void
  onError(message: string): void
}

export interface SocketConnection {
  send(data: string): void
  close(code?: number, reason?: string): void
}

/** Opens a WebSocket; every event after this call goes to `handlers`, `onClose` exactly once. */
export type OpenSocket = (url: string, handlers: SocketHandlers) => SocketConnection

export type RealtimeStatus = 'connecting' | 'online' | 'offline' | 'closed'

/** A message the person sent that the server has not acknowledged yet. */
export interface PendingSend {
  clientId: string
  conversationId: string
  text: string
  /** Local time it was first handed to `send`. */
  at: number
}

type Frame<T extends ServerFrame['type']> = Extract<ServerFrame, { type: T }>

export interface RealtimeEvents {
  status: (status: RealtimeStatus) => void
  /** A message seen for the first time (any order across conversations; per conversation usually by seq). */
  message: (message: MessageView) => void
  /** The pending list of a conversation changed (queued, acked, refused). */
  pending: (conversationId: string) => void
  /** The server refused a send (`code`, `message` from its error frame); it is no longer pending. */
  sendFailed: (pending: PendingSend, code: string, message: string) => void
  typing: (frame: Frame<'typing'>) => void
  read: (frame: Frame<'read'>) => void
  session: (frame: Frame<'session'>) => void
  care: (frame: Frame<'care'>) => void
  order: (frame: Frame<'order'>) => void
  /** An error frame that is not about a pending send. */
  error: (frame: Frame<'error'>) => void
}

export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown
  clearTimeout(handle: unknown): void
  setInterval(fn: () => void, ms: number): unknown
  clearInterval(handle: unknown): void
}

export interface RealtimeOptions {
  url: string
  open: OpenSocket
  /** The bearer token for `auth`; null: log in first (`login`). */
  token(): string | null
  /** Gets a fresh token (after a 4401 close or when there is none). */
  login(): Promise<void>
  /** REST fallback for a gap the socket did not fill (GET /conversations/:id/messages). */
  fetchAfter?(conversationId: string, afterSeq: number): Promise<{ messages: MessageView[]; lastSeq: number }>
  now?(): number
  random?(): number
  timers?: Timers
  newClientId?(): string
  heartbeatMs?: number
  /** Reconnect delay: base × 2^attempt, capped, with jitter (50–100 %). */
  backoffBaseMs?: number
  backoffMaxMs?: number
  /** At most one `typing` frame per conversation this often. */
  typingIntervalMs?: number
  /** A live message beyond a hole waits this long for the hole to fill before asking REST. */
  gapWaitMs?: number
}

/** Per-conversation sequence bookkeeping: everything ≤ `upTo` was seen, plus the seqs in `ahead`. */
interface Conversation {
  upTo: number
  ahead: Set<number>
  /** The peer-visible read mark we last sent (only ever grows). */
  readSent: number
  readWanted: number
  lastTypingAt: number
  gapTimer: unknown
  filling: boolean
}

/** How many pong samples the clock offset is chosen from (the one with the shortest round trip wins). */
const CLOCK_SAMPLES = 5

const defaultTimers: Timers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
  setInterval: (fn, ms) => setInterval(fn, ms),
  clearInterval: (h) => clearInterval(h as ReturnType<typeof setInterval>),
}

function randomClientId(random: () => number = Math.random): string {
  const c = (globalThis as { crypto?: { randomUUID?: () => string } }).crypto
  if (c?.randomUUID) return c.randomUUID()
  return `${Date.now().toString(36)}-${Math.floor(random() * 1e12).toString(36)}-${Math.floor(random() * 1e12).toString(36)}`
}

/**
 * The socket URL for an API origin: `http://h:3000` → `ws://h:3000/ws`, `https://…` → `wss://…/ws`.
 * An empty base (the H5 build calling its own origin) uses the page's origin.
 */
export function wsUrl(apiBase: string, pageOrigin?: string): string {
  const base = (apiBase || pageOrigin || '').replace(/\/+$/, '')
  if (!/^https?:\/\//i.test(base)) throw new Error(`cannot derive a WebSocket URL from "${apiBase || pageOrigin || ''}"`)
  return `${base.replace(/^http/i, 'ws')}/ws`
}

export class RealtimeClient {
  private readonly o: Required<Omit<RealtimeOptions, 'fetchAfter'>> & Pick<RealtimeOptions, 'fetchAfter'>
  private socket: SocketConnection | null = null
  private state: RealtimeStatus = 'offline'
  private authed = false
  private attempt = 0
  private reconnectTimer: unknown = null
  private heartbeatTimer: unknown = null
  private lastFrameAt = 0
  private clock: { rtt: number; offset: number }[] = []
  private offset = 0
  private hasWsClock = false
  private readonly conversations = new Map<string, Conversation>()
  private readonly pendings = new Map<string, PendingSend>()
  private readonly listeners = new Map<keyof RealtimeEvents, Set<(...args: unknown[]) => void>>()
  /** The signed-in user as the server named it in `ready`. */
  userId: string | null = null

  constructor(options: RealtimeOptions) {
    this.o = {
      now: () => Date.now(),
      random: Math.random,
      timers: defaultTimers,
      newClientId: () => randomClientId(),
      heartbeatMs: WS_HEARTBEAT_MS,
      backoffBaseMs: 500,
      backoffMaxMs: 30_000,
      typingIntervalMs: 3_000,
      gapWaitMs: 1_500,
      ...options,
    }
  }

  get status(): RealtimeStatus {
    return this.state
  }

  on<K extends keyof RealtimeEvents>(type: K, fn: RealtimeEvents[K]): () => void {
    let set = this.listeners.get(type)
    if (!set) this.listeners.set(type, (set = new Set()))
    const f = fn as unknown as (...args: unknown[]) => void
    set.add(f)
    return () => void set!.delete(f)
  }

  private emit<K extends keyof RealtimeEvents>(type: K, ...args: Parameters<RealtimeEvents[K]>): void {
    for (const fn of [...(this.listeners.get(type) ?? [])]) {
      try {
        fn(...args)
      } catch {
        // A page's handler failing must not break the connection for the others.
      }
    }
  }

  // --- server clock ---

  /** Now on the server's clock (ms), as measured by the heartbeat. */
  serverNow(): number {
    return this.o.now() + this.offset
  }

  /** Server time minus local time (ms). */
  get clockOffset(): number {
    return this.offset
  }

  /**
   * A server timestamp from a REST response (`SessionView.serverTime`): a rough offset, used only
   * until the socket has measured one (its round trip makes it the better estimate).
   */
  noteServerTime(serverTime: string | number): void {
    if (this.hasWsClock) return
    const t = typeof serverTime === 'number' ? serverTime : Date.parse(serverTime)
    if (Number.isFinite(t)) this.offset = t - this.o.now()
  }

  private clockSample(sentAt: number, serverTime: number): void {
    const received = this.o.now()
    const rtt = Math.max(0, received - sentAt)
    // The server read its clock about halfway through the round trip.
    this.clock.push({ rtt, offset: serverTime - (sentAt + rtt / 2) })
    if (this.clock.length > CLOCK_SAMPLES) this.clock.shift()
    this.offset = this.clock.reduce((best, s) => (s.rtt < best.rtt ? s : best)).offset
    this.hasWsClock = true
  }

  // --- connection ---

  /** Starts (or keeps) the connection; reconnects on its own until `close()`. */
  connect(): void {
    if (this.state === 'closed') return
    if (this.socket) return
    this.o.timers.clearTimeout(this.reconnectTimer)
    this.reconnectTimer = null
    if (!this.o.token()) {
      this.setStatus('connecting')
      this.o.login().then(
        () => this.openNow(),
        () => this.scheduleReconnect(),
      )
      return
    }
    this.openNow()
  }

  /** Back in the foreground: skip the backoff wait and try at once. */
  reconnectNow(): void {
    if (this.state === 'closed' || this.socket) return
    this.attempt = 0
    this.connect()
  }

  /** Stops for good (page closed): no reconnect; pending sends are dropped. */
  close(): void {
    this.setStatus('closed')
    this.o.timers.clearTimeout(this.reconnectTimer)
    this.stopHeartbeat()
    for (const c of this.conversations.values()) this.o.timers.clearTimeout(c.gapTimer)
    const s = this.socket
    this.socket = null
    s?.close(1000, 'bye')
  }

  private openNow(): void {
    if (this.state === 'closed' || this.socket) return
    const token = this.o.token()
    if (!token) return this.scheduleReconnect()
    this.setStatus('connecting')
    this.authed = false
    let socket: SocketConnection | null = null
    const mine = () => this.socket === socket && socket !== null
    socket = this.o.open(this.o.url, {
      onOpen: () => {
        if (!mine()) return
        this.lastFrameAt = this.o.now()
        this.write({ type: 'auth', token })
        // The server closes after WS_AUTH_TIMEOUT_MS without auth; the watchdog covers a silent `ready`.
        this.startHeartbeat()
      },
      onMessage: (data) => {
        if (mine()) this.receive(data)
      },
      onClose: (code) => {
        if (!mine()) return
        this.dropSocket()
        if (this.state === 'closed') return
        if (code === WS_CLOSE.unauthorized) {
          // The token expired or was revoked: log in again, then reconnect (with backoff, so a
          // server that keeps refusing is not hammered).
          this.setStatus('connecting')
          this.o.login().then(
            () => this.scheduleReconnect(),
            () => this.scheduleReconnect(),
          )
          return
        }
        this.scheduleReconnect()
      },
      onError: () => {
        // Every platform follows an error with a close; the reconnect happens there.
      },
    })
    this.socket = socket
  }

  private dropSocket(): void {
    this.socket = null
    this.authed = false
    this.stopHeartbeat()
  }

  private scheduleReconnect(): void {
    if (this.state === 'closed') return
    this.setStatus('offline')
    this.o.timers.clearTimeout(this.reconnectTimer)
    const delay = this.backoffDelay()
    this.attempt++
    this.reconnectTimer = this.o.timers.setTimeout(() => {
      this.reconnectTimer = null
      this.connect()
    }, delay)
  }

  /** base × 2^attempt, capped, times a jitter in [0.5, 1) so many clients do not reconnect in step. */
  backoffDelay(attempt = this.attempt): number {
    const raw = Math.min(this.o.backoffMaxMs, this.o.backoffBaseMs * 2 ** Math.min(attempt, 16))
    return Math.round(raw * (0.5 + this.o.random() / 2))
  }

  private startHeartbeat(): void {
    this.stopHeartbeat()
    this.heartbeatTimer = this.o.timers.setInterval(() => {
      // Nothing heard for two beats and a bit (a pong comes back for every ping): the line is
      // dead even if the platform has not noticed; drop it and reconnect.
      if (this.o.now() - this.lastFrameAt > this.o.heartbeatMs * 2 + 5_000) {
        const s = this.socket
        this.dropSocket()
        s?.close(4000, 'heartbeat timeout')
        this.scheduleReconnect()
        return
      }
      if (this.authed) this.write({ type: 'ping', t: this.o.now() })
    }, this.o.heartbeatMs)
  }

  private stopHeartbeat(): void {
    this.o.timers.clearInterval(this.heartbeatTimer)
    this.heartbeatTimer = null
  }

  private setStatus(status: RealtimeStatus): void {
    if (this.state === status || (this.state === 'closed' && status !== 'closed')) return
    this.state = status
    this.emit('status', status)
  }

  private write(frame: ClientFrame): boolean {
    if (!this.socket) return false
    try {
      this.socket.send(JSON.stringify(frame))
      return true
    } catch {
      return false
    }
  }

  // --- incoming ---

  private receive(data: string): void {
    this.lastFrameAt = this.o.now()
    let frame: ServerFrame
    try {
      frame = JSON.parse(data) as ServerFrame
    } catch {
      return
    }
    if (!frame || typeof frame !== 'object' || typeof frame.type !== 'string') return
    switch (frame.type) {
      case 'ready':
        return this.onReady(frame)
      case 'pong':
        return this.clockSample(frame.t, frame.serverTime)
      case 'history':
        return this.onHistory(frame)
      case 'message':
        this.settle(frame.message)
        this.accept(frame.message)
        return
      case 'ack':
        this.settle(frame.message, frame.clientId)
        this.accept(frame.message)
        return
      case 'typing':
        return this.emit('typing', frame)
      case 'read':
        return this.emit('read', frame)
      case 'session':
        this.noteServerTime(frame.session.serverTime)
        return this.emit('session', frame)
      case 'care':
        return this.emit('care', frame)
      case 'order':
        return this.emit('order', frame)
      case 'error':
        return this.onError(frame)
    }
  }

  private onReady(frame: Frame<'ready'>): void {
    this.authed = true
    this.attempt = 0
    this.userId = frame.userId
    this.noteServerTime(frame.serverTime)
    this.setStatus('online')
    // A first ping right away: a precise clock before the first countdown tick.
    this.write({ type: 'ping', t: this.o.now() })
    // Resume first, then resend: the history may already hold a message whose ack was lost.
    for (const [id, c] of this.conversations) {
      this.write({ type: 'subscribe', conversationId: id, afterSeq: c.upTo })
      if (c.readWanted > c.readSent) this.sendRead(id, c)
    }
    for (const p of this.pendings.values()) this.write({ type: 'send', conversationId: p.conversationId, clientId: p.clientId, text: p.text })
  }

  private onHistory(frame: Frame<'history'>): void {
    const c = this.conversations.get(frame.conversationId)
    if (!c) return
    this.skipPruned(c, frame.messages)
    for (const m of [...frame.messages].sort((a, b) => a.seq - b.seq)) {
      this.settle(m)
      this.accept(m)
    }
    // The server may cap a history frame: ask REST for the rest.
    if (frame.lastSeq > c.upTo) this.fillGap(frame.conversationId)
  }

  private onError(frame: Frame<'error'>): void {
    const p = frame.ref ? this.pendings.get(frame.ref) : undefined
    if (p) {
      this.pendings.delete(p.clientId)
      this.emit('pending', p.conversationId)
      this.emit('sendFailed', p, frame.code, frame.message)
      return
    }
    this.emit('error', frame)
  }

  /** A stored message of mine (ack, or my own message echoed live) ends its pending send. */
  private settle(m: MessageView, clientId: string | null = m.from === 'me' ? m.clientId : null): void {
    if (clientId && this.pendings.delete(clientId)) this.emit('pending', m.conversationId)
  }

  /** Hands a message out if it was not seen before, and advances the resume point. */
  private accept(m: MessageView): void {
    const c = this.conversations.get(m.conversationId)
    if (!c) return
    if (m.seq <= c.upTo || c.ahead.has(m.seq)) return
    c.ahead.add(m.seq)
    while (c.ahead.has(c.upTo + 1)) {
      c.ahead.delete(c.upTo + 1)
      c.upTo++
    }
    this.emit('message', m)
    if (c.ahead.size > 0) {
      // A hole below this message: usually the missing one is just behind it; if not, REST.
      if (!c.gapTimer) c.gapTimer = this.o.timers.setTimeout(() => {
        c.gapTimer = null
        if (c.ahead.size > 0) this.fillGap(m.conversationId)
      }, this.o.gapWaitMs)
    } else if (c.gapTimer) {
      this.o.timers.clearTimeout(c.gapTimer)
      c.gapTimer = null
    }
  }

  /**
   * A history answer holds every stored message after the resume point, lowest first; numbers
   * below its lowest that are missing were deleted (group chats keep a rolling window), so the
   * resume point moves past them instead of waiting for them forever.
   */
  private skipPruned(c: Conversation, messages: MessageView[]): void {
    if (!messages.length) return
    const lowest = Math.min(...messages.map((m) => m.seq))
    if (lowest > c.upTo + 1) c.upTo = lowest - 1
  }

  private fillGap(conversationId: string): void {
    const c = this.conversations.get(conversationId)
    const fetchAfter = this.o.fetchAfter
    if (!c || !fetchAfter || c.filling) return
    c.filling = true
    const from = c.upTo
    fetchAfter(conversationId, from).then(
      (page) => {
        c.filling = false
        if (!this.conversations.has(conversationId)) return
        if (c.upTo === from) this.skipPruned(c, page.messages)
        for (const m of [...page.messages].sort((a, b) => a.seq - b.seq)) {
          this.settle(m)
          this.accept(m)
        }
        // Progress and still short of the end: the page was capped, ask again.
        if (c.upTo > from && page.lastSeq > c.upTo) this.fillGap(conversationId)
      },
      () => {
        c.filling = false
      },
    )
  }

  // --- outgoing ---

  /**
   * Receive a conversation: its messages after `afterSeq` now (history), then live. Calling it
   * again for the same conversation changes nothing.
   */
  subscribe(conversationId: string, afterSeq = 0): void {
    if (this.conversations.has(conversationId)) return
    this.conversations.set(conversationId, { upTo: afterSeq, ahead: new Set(), readSent: 0, readWanted: 0, lastTypingAt: -Infinity, gapTimer: null, filling: false })
    if (this.authed) this.write({ type: 'subscribe', conversationId, afterSeq })
  }

  unsubscribe(conversationId: string): void {
    const c = this.conversations.get(conversationId)
    if (!c) return
    this.o.timers.clearTimeout(c.gapTimer)
    this.conversations.delete(conversationId)
    if (this.authed) this.write({ type: 'unsubscribe', conversationId })
  }

  /** The highest seq up to which every message of the conversation was seen (the resume point). */
  lastSeq(conversationId: string): number {
    return this.conversations.get(conversationId)?.upTo ?? 0
  }

  /** Queues a message and sends it now if online; returns its `clientId` (shown as 发送中 until acked). */
  send(conversationId: string, text: string): PendingSend {
    const p: PendingSend = { clientId: this.o.newClientId(), conversationId, text, at: this.o.now() }
    this.pendings.set(p.clientId, p)
    this.emit('pending', conversationId)
    if (this.authed) this.write({ type: 'send', conversationId, clientId: p.clientId, text })
    return p
  }

  /** Sends not yet acked for a conversation, oldest first. */
  pending(conversationId: string): PendingSend[] {
    return [...this.pendings.values()].filter((p) => p.conversationId === conversationId)
  }

  /** "对方正在输入": at most one frame per `typingIntervalMs` per conversation, only when online. */
  typing(conversationId: string): void {
    const c = this.conversations.get(conversationId)
    if (!c || !this.authed) return
    const now = this.o.now()
    if (now - c.lastTypingAt < this.o.typingIntervalMs) return
    c.lastTypingAt = now
    this.write({ type: 'typing', conversationId })
  }

  /** I have read up to `seq` (the peer sees 已读); sent once per new high mark, after a reconnect if offline. */
  markRead(conversationId: string, seq: number): void {
    const c = this.conversations.get(conversationId)
    if (!c || seq <= c.readWanted) return
    c.readWanted = seq
    if (this.authed) this.sendRead(conversationId, c)
  }

  private sendRead(conversationId: string, c: Conversation): void {
    if (this.write({ type: 'read', conversationId, seq: c.readWanted })) c.readSent = c.readWanted
  }
}
