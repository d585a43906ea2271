import { Input, Text, View } from '@tarojs/components'
import { useState } from 'react'
import { MESSAGE_MAX_CHARS } from '@qingting/shared'
import { composeState, EMOJIS } from '../format'

/**
 * Text input with an emoji picker and a character counter (code points, like the server).
 * The native limit is looser than MESSAGE_MAX_CHARS on purpose: an over-long text stays visible
 * with a red counter instead of being cut silently.
 */
export function InputBar({ disabled, placeholder, onSend, onTyping }: { disabled: boolean; placeholder: string; onSend: (text: string) => void; onTyping: () => void }) {
  const [text, setText] = useState('')
  const [emoji, setEmoji] = useState(false)
  const c = composeState(text)
  const send = () => {
    if (disabled || !c.sendable) return
    onSend(text.trim())
    setText('')
    setEmoji(false)
  }
  return (
    <View className='room-input-bar'>
      {emoji && (
        <View className='room-emoji'>
          {EMOJIS.map((e) => (
            <Text key={e} className='room-emoji__item' onClick={() => setText((t) => t + e)}>{e}</Text>
          ))}
        </View>
      )}
      <View className='room-input-row'>
        <Text className={`room-emoji-toggle${emoji ? ' room-emoji-toggle--on' : ''}`} onClick={() => !disabled && setEmoji(!emoji)}>😊</Text>
        <Input
          className='room-input'
          value={text}
          disabled={disabled}
          placeholder={placeholder}
          maxlength={MESSAGE_MAX_CHARS * 2}
          confirmType='send'
          confirmHold
          adjustPosition
          onInput={(e) => {
            setText(e.detail.value)
            onTyping()
          }}
          onConfirm={send}
        />
        <Text className={`room-send${c.sendable && !disabled ? '' : ' room-send--off'}`} onClick={send}>发送</Text>
      </View>
      {text.length > 0 && <Text className={`room-counter${c.over ? ' room-counter--over' : ''}`}>{c.counter}{c.over ? ' 超出字数限制' : ''}</Text>}
    </View>
  )
}
