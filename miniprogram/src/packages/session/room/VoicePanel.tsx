import { Text, View } from '@tarojs/components'
import Taro from '@tarojs/taro'
import { useState } from 'react'
import type { VoiceCallView } from '@qingting/shared'
import { callVoice } from '../../../services/sessions'
import { useSubmit } from '../../../components/use-submit'
import { shortTime } from '../../../utils/orders'

/**
 * VOICE sessions: bind the call through the provider (privacy number or RTC room) and show how
 * to join it. The clock and billing stay with the session, not the call.
 */
export function VoicePanel({ sessionId, active }: { sessionId: string; active: boolean }) {
  const [call, setCall] = useState<VoiceCallView | null>(null)
  const { busy, message: error, run } = useSubmit()

  const start = () =>
    run(async () => {
      const c = await callVoice(sessionId)
      setCall(c)
      if (c.dial) void Taro.makePhoneCall({ phoneNumber: c.dial }).catch(() => undefined)
    })

  return (
    <View className='room-voice'>
      <Text className={`room-btn voice-call${busy || !active ? ' room-btn--off' : ''}`} onClick={() => active && void start()}>{busy ? '正在接通…' : '拨打语音电话'}</Text>
      {!active && <Text className='room-muted'>会话开始后可以拨打</Text>}
      {call?.dial && (
        <Text className='room-voice__dial'>
          请拨打 <Text className='voice-dial'>{call.dial}</Text>（隐私号，{shortTime(call.expiresAt)} 前有效），对方看不到你的真实号码
        </Text>
      )}
      {call && !call.dial && call.roomToken && <Text className='room-voice__dial'>语音通话已就绪</Text>}
      {error && <Text className='room-error'>{error}</Text>}
    </View>
  )
}
