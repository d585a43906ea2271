import { Text, Textarea } from '@tarojs/components'
import { useState } from 'react'
import { disputeSession } from '../../../services/sessions'
import { useSubmit } from '../../../components/use-submit'
import { Sheet, SheetSubmit } from './Sheet'

/** 申诉 (the talker, within the dispute window): the reason; an operator decides none / partial / full refund. */
export function DisputeSheet(props: { sessionId: string; onClose: () => void; onDone: () => void }) {
  const [reason, setReason] = useState('')
  const { busy, message: error, setMessage: setError, run } = useSubmit()

  function submit() {
    if (reason.trim().length < 2) return setError('请写下申诉原因（至少 2 个字）')
    void run(async () => {
      await disputeSession(props.sessionId, reason.trim())
      props.onDone()
    })
  }

  return (
    <Sheet title='申诉' className='dispute-sheet' onClose={props.onClose}>
      <Text className='room-muted'>对本次服务有异议？平台会查看本次会话并决定是否退款（不退 / 部分 / 全额），结果会通知你。</Text>
      <Textarea className='room-textarea dispute-reason' value={reason} maxlength={500} placeholder='请描述遇到的问题' onInput={(e) => setReason(e.detail.value)} />
      <SheetSubmit error={error} busy={busy} buttonClass='dispute-submit' label='提交申诉' busyLabel='提交中…' onSubmit={submit} />
    </Sheet>
  )
}
