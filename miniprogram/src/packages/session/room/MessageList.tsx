import { ScrollView, Text, View } from '@tarojs/components'
import type { ChatLine } from '../format'

/** The chat: mine on the right, the peer's on the left, system notes centred; keeps the newest in view. */
export function MessageList({ lines, peerTyping, peerAlias }: { lines: ChatLine[]; peerTyping: boolean; peerAlias: string }) {
  const last = lines.length > 0 ? `line-${lines[lines.length - 1].key}` : undefined
  return (
    <ScrollView className='room-messages' scrollY scrollIntoView={peerTyping ? 'room-typing' : last} scrollWithAnimation>
      {lines.length === 0 && <Text className='room-messages__empty'>还没有消息，打个招呼吧</Text>}
      {lines.map((l) => (
        <View key={l.key} id={`line-${l.key}`} className={`chat-line chat-line--${l.side}`} data-seq={l.seq === null ? '' : String(l.seq)} data-mark={l.mark ?? ''}>
          {l.side === 'system' ? (
            <Text className='chat-system'>{l.text}</Text>
          ) : (
            <View className='chat-bubble-wrap'>
              <Text className='chat-bubble chat-text' userSelect>{l.text}</Text>
              {l.masked && <Text className='chat-note'>联系方式已隐藏，请勿在平台外联系</Text>}
              {l.mark && <Text className={`chat-mark chat-mark--${l.mark === '已读' ? 'read' : l.mark === '发送中' ? 'sending' : 'unread'}`}>{l.mark}</Text>}
            </View>
          )}
        </View>
      ))}
      {peerTyping && <Text id='room-typing' className='room-typing'>{peerAlias} 正在输入…</Text>}
    </ScrollView>
  )
}
