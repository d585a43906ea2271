import { Text, Textarea, View } from '@tarojs/components'
import { useState } from 'react'
import { reportSession } from '../../../services/sessions'
import { REPORT_REASONS } from '../format'
import { Sheet } from './Sheet'
import { errorText } from './useRoom'

/** 举报: a reason and optional detail; the server keeps this chat (no shredding) until an operator resolves it. */
export function ReportSheet(props: { sessionId: string; initialReason?: string; onClose: () => void; onDone: () => void }) {
  const [reason, setReason] = useState<string>(props.initialReason ?? '')
  const [detail, setDetail] = useState('')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)

  async function submit() {
    if (busy) return
    if (!reason) return setError('请选择举报原因')
    setBusy(true)
    setError(null)
    try {
      await reportSession(props.sessionId, { reason, detail: detail.trim() || undefined })
      props.onDone()
    } catch (err) {
      setError(errorText(err))
    } finally {
      setBusy(false)
    }
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
      {error && <Text className='room-error'>{error}</Text>}
      <View className='room-sheet__actions'>
        <Text className={`room-btn room-btn--danger report-submit${busy ? ' room-btn--off' : ''}`} onClick={() => void submit()}>{busy ? '提交中…' : '提交举报'}</Text>
      </View>
    </Sheet>
  )
}
