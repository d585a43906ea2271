import { Text, View } from '@tarojs/components'
import { useState } from 'react'
import { formatFen } from '@qingting/shared'
import { extendSession } from '../../../services/sessions'
import { UNIT_MINUTES } from '../../../utils/orders'
import { EXTEND_UNIT_CHOICES } from '../format'
import { payInRoom } from '../paying'
import { useSubmit } from '../../../components/use-submit'
import { Sheet, SheetSubmit } from './Sheet'

/**
 * 续时: pick units → the server creates the EXTENSION order (its price) → pay it. The session's
 * end moves only when the payment lands (the `extended` frame); meanwhile the server holds the end
 * for the grace period.
 */
export function ExtendSheet(props: { sessionId: string; unitPriceFen: number | null; onClose: () => void; onNotice: (text: string) => void }) {
  const [units, setUnits] = useState(1)
  const { busy, message: error, run } = useSubmit()

  function submit() {
    void run(async () => {
      const order = await extendSession(props.sessionId, units)
      const outcome = await payInRoom({ sessionId: props.sessionId, orderId: order.id, kind: 'EXTENSION', label: `续时${units * UNIT_MINUTES}分钟` })
      if (outcome === 'redirected') return
      props.onNotice(outcome === 'paid' ? '支付成功，正在续时…' : '已取消支付，未续时')
      props.onClose()
    })
  }

  return (
    <Sheet title='续时' className='extend-sheet' onClose={props.onClose}>
      <Text className='room-muted'>每单位 {UNIT_MINUTES} 分钟{props.unitPriceFen !== null ? `，${formatFen(props.unitPriceFen)}/单位` : ''}；支付完成后计入会话时长</Text>
      <View className='room-chips'>
        {EXTEND_UNIT_CHOICES.map((u) => (
          <Text key={u} className={`room-chip extend-units${u === units ? ' room-chip--on' : ''}`} data-units={String(u)} onClick={() => setUnits(u)}>
            {u * UNIT_MINUTES}分钟
          </Text>
        ))}
      </View>
      {props.unitPriceFen !== null && <Text className='extend-sheet__total'>合计约 {formatFen(props.unitPriceFen * units)}（以支付金额为准）</Text>}
      <SheetSubmit error={error} busy={busy} buttonClass='extend-submit' label='去支付' busyLabel='处理中…' onSubmit={submit} />
    </Sheet>
  )
}
