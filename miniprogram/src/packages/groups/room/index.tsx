import { ScrollView, Text, View } from '@tarojs/components'
import Taro, { useRouter } from '@tarojs/taro'
import { useEffect, useRef, useState } from 'react'
import type { MessageView } from '@qingting/shared'
import { errorMessage } from '../../../services/api'
import { fetchGroup, type GroupView } from '../../../services/groups'
import { fetchMe } from '../../../services/me'
import type { PendingSend, RealtimeClient, RealtimeStatus } from '../../../services/realtime'
import { createRealtime } from '../../session/connection'
import { mergeMessages } from '../../session/format'
import { InputBar } from '../../session/room/InputBar'
import { announcementFrom, groupChatLines, groupRetentionText, memberState, mutedLabel, type GroupChatLine } from '../format'
import '../../session/session.scss'
import '../groups.scss'

/** Retention window the notice states (CHAT_RETENTION_HOURS on the server, 72 by default). */
const RETENTION_HOURS = 72

type Load = { status: 'loading' } | { status: 'error'; message: string } | { status: 'ready' }

/**
 * 群聊 (`packages/groups/room/index?id=<group>`): the group's conversation over the realtime
 * client, shared with the session room (history on subscribe, live messages, resends after a
 * reconnect); the pinned announcement on top; a muted member cannot send.
 */
export default function GroupRoom() {
  const { params } = useRouter()
  const id = params.id ? decodeURIComponent(params.id) : ''
  const [load, setLoad] = useState<Load>({ status: 'loading' })
  const [group, setGroup] = useState<GroupView | null>(null)
  const [messages, setMessages] = useState<MessageView[]>([])
  const [pending, setPending] = useState<PendingSend[]>([])
  const [online, setOnline] = useState<RealtimeStatus>('connecting')
  const [notice, setNotice] = useState<string | null>(null)
  const client = useRef<RealtimeClient | null>(null)
  const conversation = useRef<string | null>(null)

  useEffect(() => {
    if (!id) return
    const c = createRealtime()
    client.current = c
    const offs = [
      c.on('status', setOnline),
      c.on('message', (m) => {
        if (m.conversationId !== conversation.current) return
        setMessages((list) => mergeMessages(list, [m]))
        // A new announcement is pinned at once (history replays older ones first, so the last wins).
        const pinned = announcementFrom(m)
        if (pinned !== null) setGroup((g) => (g ? { ...g, announcement: pinned } : g))
      }),
      c.on('pending', (cid) => setPending(c.pending(cid))),
      c.on('sendFailed', (p, _code, message) => setNotice(`消息未发出：${message}「${p.text.slice(0, 20)}」`)),
      c.on('error', (f) => setNotice(f.message)),
    ]
    let cancelled = false
    Promise.all([fetchGroup(id), fetchMe()]).then(
      ([g, me]) => {
        if (cancelled) return
        setGroup(g)
        Taro.setNavigationBarTitle({ title: g.name }).catch(() => undefined)
        const state = memberState(g, me.id, Date.now())
        if ((state !== 'active' && state !== 'owner') || !g.conversationId) {
          setLoad({ status: 'error', message: '加入群组后才能查看群聊' })
          return
        }
        conversation.current = g.conversationId
        setLoad({ status: 'ready' })
        c.subscribe(g.conversationId, 0)
        c.connect()
      },
      (err) => !cancelled && setLoad({ status: 'error', message: errorMessage(err) }),
    )
    return () => {
      cancelled = true
      offs.forEach((off) => off())
      c.close()
      client.current = null
    }
  }, [id])

  if (!id) return <View className='room__state'>找不到这个群组</View>
  if (load.status === 'loading') return <View className='room__state'>进入群聊…</View>
  if (load.status === 'error' || !group) return <View className='room__state room__state--error'>{load.status === 'error' ? load.message : '找不到这个群组'}</View>

  const muted = mutedLabel(group.myMembership?.mutedUntil, Date.now())
  const lines = groupChatLines(messages, pending)
  const send = (text: string) => conversation.current && client.current?.send(conversation.current, text)
  const typing = () => conversation.current && client.current?.typing(conversation.current)

  return (
    <View className='room group-room' data-id={group.id}>
      {group.announcement && <Text className='group-room-pin group-room-announcement'>置顶公告：{group.announcement}</Text>}
      {online !== 'online' && <Text className='room-link room-link--warn room-connection'>{online === 'offline' ? '网络已断开，正在重连…' : '连接中…'}</Text>}
      <Text className='room-retention'>{groupRetentionText(RETENTION_HOURS)}</Text>
      {notice && <Text className='room-notice' onClick={() => setNotice(null)}>{notice}</Text>}
      <GroupMessageList lines={lines} />
      <InputBar disabled={!!muted} placeholder={muted ?? '说点什么…'} onSend={send} onTyping={typing} />
    </View>
  )
}

/** The group chat: mine on the right, others' on the left under their alias (群主 marked), system notes centred. */
function GroupMessageList({ lines }: { lines: GroupChatLine[] }) {
  const last = lines.length > 0 ? `line-${lines[lines.length - 1].key}` : undefined
  return (
    <ScrollView className='room-messages' scrollY scrollIntoView={last} scrollWithAnimation>
      {lines.length === 0 && <Text className='room-messages__empty'>还没有消息，打个招呼吧</Text>}
      {lines.map((l) => (
        <View key={l.key} id={`line-${l.key}`} className={`chat-line chat-line--${l.side}`} data-seq={l.seq === null ? '' : String(l.seq)} data-mark={l.sending ? '发送中' : ''}>
          {l.side === 'system' ? (
            <Text className='chat-system'>{l.text}</Text>
          ) : (
            <View className='chat-bubble-wrap'>
              {l.alias && <Text className='chat-alias'>{l.alias}{l.owner && <Text className='chat-owner'>群主</Text>}</Text>}
              <Text className='chat-bubble chat-text' userSelect>{l.text}</Text>
              {l.masked && <Text className='chat-note'>联系方式已隐藏，请勿在平台外联系</Text>}
              {l.sending && <Text className='chat-mark chat-mark--sending'>发送中</Text>}
            </View>
          )}
        </View>
      ))}
    </ScrollView>
  )
}
