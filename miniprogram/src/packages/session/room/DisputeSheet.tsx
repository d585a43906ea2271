import { Text, Textarea, View } from '@tarojs/components'
import { useState } from 'react'
import { disputeSession } from '../../../services/sessions'
import { Sheet } from './Sheet'
import { errorText } from './useRoom'

/** 申诉 (the talker, within the dispute window): the reason; an operator decides none / partial / full refund. */
export function DisputeSheet(props: { sessionId: string; onClose: () => void; onDone: () => void }) {
  const [reason, setReason] = useState('')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)

  async function submit() {
    if (busy) return
    if (reason.trim().length < 2) return setError('请写下申诉原因（至少 2 个字）')
    setBusy(true)
    setError(null)
    try {
      await disputeSession(props.sessionId, reason.trim())
      props.onDone()
    } catch (err) {
      setError(errorText(err))
    } finally {
      setBusy(false)
    }
  }

  return (
    <Sheet title='申诉' className='dispute-sheet' onClose={props.onClose}>
      <Text className='room-muted'>对本次服务有异议？平台会查看本次会话并决定是否退款（不退 / 部分 / 全额），结果会通知你。</Text>
      <Textarea className='room-textarea dispute-reason' value={reason} maxlength={500} placeholder='请描述遇到的问题' onInput={(e) => setReason(e.detail.value)} />
      {error && <Text className='room-error'>{error}</Text>}
      <View className='room-sheet__actions'>
        <Text className={`room-btn dispute-submit${busy ? ' room-btn--off' : ''}`} onClick={() => void submit()}>{busy ? '提交中…' : '提交申诉'}</Text>
      </View>
    </Sheet>
  )
}
