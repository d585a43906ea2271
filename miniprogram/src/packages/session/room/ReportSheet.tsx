import { Text, Textarea, View } from '@tarojs/components'
import { useState } from 'react'
import { reportSession } from '../../../services/sessions'
import { REPORT_REASONS } from '../format'
import { useSubmit } from '../../../components/use-submit'
import { Sheet, SheetSubmit } from './Sheet'

/** 举报: a reason and optional detail; the server keeps this chat (no shredding) until an operator resolves it. */
export function ReportSheet(props: { sessionId: string; initialReason?: string; onClose: () => void; onDone: () => void }) {
  const [reason, setReason] = useState<string>(props.initialReason ?? '')
  const [detail, setDetail] = useState('')
  const { busy, message: error, setMessage: setError, run } = useSubmit()

  function submit() {
    if (!reason) return setError('请选择举报原因')
    void run(async () => {
      await reportSession(props.sessionId, { reason, detail: detail.trim() || undefined })
      props.onDone()
    })
  }

  return (
    <Sheet title='举报' className='report-sheet' onClose={props.onClose}>
      <View className='room-chips'>
        {REPORT_REASONS.map((r) => (
          <Text key={r} className={`room-chip report-reason${r === reason ? ' room-chip--on' : ''}`} onClick={() => setReason(r)}>{r}</Text>
        ))}
      </View>
      <Textarea className='room-textarea report-detail' value={detail} maxlength={500} placeholder='补充说明（选填）' onInput={(e) => setDetail(e.detail.value)} />
      <Text className='room-muted'>举报后，本次聊天记录将保留至平台处理完毕。</Text>
      <SheetSubmit error={error} busy={busy} buttonClass='room-btn--danger report-submit' label='提交举报' busyLabel='提交中…' onSubmit={submit} />
    </Sheet>
  )
}
