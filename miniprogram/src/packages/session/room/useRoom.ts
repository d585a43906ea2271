import { useDidHide, useDidShow } from '@tarojs/taro'
import { useEffect, useRef, useState } from 'react'
import type { MessageView, SessionView } from '@qingting/shared'
import { errorMessage } from '../../../services/api'
import { fetchOrder, syncOrder, type OrderView } from '../../../services/orders'
import type { PendingSend, RealtimeClient, RealtimeStatus } from '../../../services/realtime'
import { fetchSession, fetchSessionByOrder, joinSession } from '../../../services/sessions'
import { takePayReturn } from '../../../platform/pay'
import { createRealtime } from '../connection'
import { msLeft } from '../../../utils/orders'
import { countdownTarget, expectedRefundFen, lastPeerSeq, mergeMessages } from '../format'
import { takePaying } from '../paying'

/** How long "对方正在输入…" stays after the last typing frame. */
const TYPING_SHOW_MS = 4_000
/** How often, and how many times, the summary looks for the refund to land. */
const REFUND_POLL_MS = 3_000
const REFUND_POLLS = 10
/** After the countdown reaches zero the server's timer ends the session; if no frame says so by then, ask. */
const SETTLE_CHECK_MS = 3_000

type RoomLoad = { status: 'loading' } | { status: 'error'; message: string } | { status: 'ready' }

/**
 * Everything live about one session room: the view (REST, then `session` frames), its messages
 * and my unacknowledged sends (realtime client), the peer's typing and read mark, the care card,
 * and a once-a-second tick on the server's clock for the countdown.
 */
export function useRoom(params: Record<string, string | undefined>) {
  const [load, setLoad] = useState<RoomLoad>({ status: 'loading' })
  const [session, setSession] = useState<SessionView | null>(null)
  const [order, setOrder] = useState<OrderView | null>(null)
  const [messages, setMessages] = useState<MessageView[]>([])
  const [pending, setPending] = useState<PendingSend[]>([])
  const [peerReadSeq, setPeerReadSeq] = useState(0)
  const [peerTypingUntil, setPeerTypingUntil] = useState(0)
  const [care, setCare] = useState<'talker' | 'listener' | null>(null)
  const [reminded, setReminded] = useState(false)
  const [online, setOnline] = useState<RealtimeStatus>('connecting')
  const [notice, setNotice] = useState<string | null>(null)
  const [serverNow, setServerNow] = useState(() => Date.now())
  const client = useRef<RealtimeClient | null>(null)
  const visible = useRef(true)
  const sessionRef = useRef<SessionView | null>(null)
  const settleFor = useRef<string | null>(null)

  const apply = (s: SessionView) => {
    sessionRef.current = s
    const c = client.current
    if (c) {
      c.noteServerTime(s.serverTime)
      // A new deadline (started, extended) shows right away, not with the next tick's stale clock.
      setServerNow(c.serverNow())
    }
    setSession(s)
  }

  async function reload() {
    const id = sessionRef.current?.id
    if (!id) return
    try {
      apply(await fetchSession(id))
    } catch (err) {
      setNotice(errorMessage(err))
    }
  }

  /** The order behind the session (unit price for 续时, the refund after the end). */
  async function reloadOrder(orderId: string) {
    try {
      setOrder(await fetchOrder(orderId))
    } catch {
      // The summary shows without the refund line; not worth an error.
    }
  }

  useEffect(() => {
    const c = createRealtime()
    client.current = c
    const offs = [
      c.on('status', setOnline),
      c.on('message', (m) => {
        if (m.conversationId !== sessionRef.current?.conversationId) return
        setMessages((list) => mergeMessages(list, [m]))
        // The message the peer was typing has arrived.
        if (m.from === 'peer') setPeerTypingUntil(0)
      }),
      c.on('pending', (conversationId) => setPending(c.pending(conversationId))),
      c.on('sendFailed', (p, _code, message) => setNotice(`消息未发出：${message}「${p.text.slice(0, 20)}」`)),
      c.on('typing', (f) => {
        if (f.conversationId === sessionRef.current?.conversationId) setPeerTypingUntil(Date.now() + TYPING_SHOW_MS)
      }),
      c.on('read', (f) => {
        if (f.conversationId === sessionRef.current?.conversationId && f.from === 'peer') setPeerReadSeq((s) => Math.max(s, f.seq))
      }),
      c.on('session', (f) => {
        const cur = sessionRef.current
        if (!cur || f.session.id !== cur.id) return
        apply(f.session)
        if (f.event === 'reminder') setReminded(true)
        if (f.event === 'extended') {
          setReminded(false)
          setNotice('续时成功')
        }
        if (f.event === 'ended' || f.event === 'cancelled') void reloadOrder(f.session.orderId)
      }),
      c.on('care', (f) => {
        const me = sessionRef.current
        if (me && f.conversationId === me.conversationId && f.audience === me.myRole) setCare(f.audience)
      }),
      c.on('error', (f) => setNotice(f.message)),
    ]
    const tick = setInterval(() => setServerNow(c.serverNow()), 1000)

    let cancelled = false
    ;(async () => {
      try {
        const id = params.id ? decodeURIComponent(params.id) : null
        const orderId = params.orderId ? decodeURIComponent(params.orderId) : null
        const s = id ? await fetchSession(id) : orderId ? await fetchSessionByOrder(orderId) : null
        if (!s) throw new Error('找不到这个会话')
        if (cancelled) return
        apply(s)
        setLoad({ status: 'ready' })
        c.subscribe(s.conversationId, 0)
        c.connect()
        void reloadOrder(s.orderId)
        await afterPayReturn(s)
        // Entering the room is what starts the clock (once both are here).
        if (s.status === 'WAITING' || s.status === 'ACTIVE') apply(await joinSession(s.id))
      } catch (err) {
        if (cancelled) return
        if (sessionRef.current) setNotice(errorMessage(err))
        else setLoad({ status: 'error', message: errorMessage(err) })
      }
    })()
    return () => {
      cancelled = true
      clearInterval(tick)
      offs.forEach((off) => off())
      c.close()
      client.current = null
    }
  }, [params.id, params.orderId])

  /** Back from the H5 cashier (extension or gift): confirm the payment with the server now. */
  async function afterPayReturn(s: SessionView) {
    const ret = takePayReturn(params)
    const paying = takePaying(s.id)
    if (!ret || !paying) return
    if (ret.result !== 'success') {
      setNotice(ret.result === 'cancel' ? `已取消支付（${paying.label}）` : `支付失败${ret.message ? `：${ret.message}` : ''}`)
      return
    }
    setNotice(`${paying.label}：支付完成，正在确认…`)
    try {
      const o = await syncOrder(paying.orderId)
      setNotice(o.status === 'PENDING_PAYMENT' ? '支付结果确认中，请稍候' : paying.kind === 'GIFT' ? '礼物已送出，谢谢你的心意' : '续时支付成功')
    } catch (err) {
      setNotice(errorMessage(err))
    }
    await reload()
  }

  // Read receipts: while the room is on screen, everything the peer sent is read.
  useEffect(() => {
    const s = sessionRef.current
    if (!s || !visible.current) return
    const seq = lastPeerSeq(messages)
    if (seq > 0) client.current?.markRead(s.conversationId, seq)
  }, [messages])

  useDidShow(() => {
    visible.current = true
    client.current?.reconnectNow()
    const s = sessionRef.current
    const seq = lastPeerSeq(messages)
    if (s && seq > 0) client.current?.markRead(s.conversationId, seq)
  })
  useDidHide(() => {
    visible.current = false
  })

  // At zero the server ends (or cancels) the session by its own timer; if no frame arrived, ask it.
  const target = session ? countdownTarget(session) : null
  const left = target ? msLeft(target.deadline, serverNow) : null
  useEffect(() => {
    if (left !== 0 || !target || settleFor.current === target.deadline) return
    settleFor.current = target.deadline
    const t = setTimeout(() => void reload(), SETTLE_CHECK_MS)
    return () => clearTimeout(t)
  }, [left === 0, target?.deadline])

  // After the end the refund goes through WeChat Pay: look again until the order shows it returned.
  const refundWait = useRef(0)
  const expected = session && (session.status === 'ENDED' || session.status === 'CANCELLED') ? expectedRefundFen(session, order) : null
  useEffect(() => {
    if (!session || !order || expected === null || order.refundedFen >= expected || refundWait.current >= REFUND_POLLS) return
    const t = setTimeout(() => {
      refundWait.current++
      void reloadOrder(session.orderId)
    }, REFUND_POLL_MS)
    return () => clearTimeout(t)
  }, [order, expected])

  return {
    load,
    session,
    order,
    messages,
    pending,
    peerReadSeq,
    peerTyping: peerTypingUntil > Date.now(),
    care,
    setCare,
    reminded,
    online,
    notice,
    setNotice,
    serverNow,
    countdown: target && left !== null ? { label: target.label, ms: left } : null,
    apply,
    reload,
    reloadOrder,
    send: (text: string) => {
      const s = sessionRef.current
      if (s) client.current?.send(s.conversationId, text)
    },
    typing: () => {
      const s = sessionRef.current
      if (s) client.current?.typing(s.conversationId)
    },
  }
}
