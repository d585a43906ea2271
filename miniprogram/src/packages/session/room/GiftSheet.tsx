import { Text, View } from '@tarojs/components'
import { useEffect, useState } from 'react'
import { formatFen } from '@qingting/shared'
import { errorMessage } from '../../../services/api'
import { fetchGifts, sendGift, type GiftView } from '../../../services/sessions'
import { payInRoom } from '../paying'
import { useSubmit } from '../../../components/use-submit'
import { Sheet, SheetSubmit } from './Sheet'

/** 送礼物: the catalogue → the server creates the GIFT order → pay it. */
export function GiftSheet(props: { sessionId: string; peerAlias: string; onClose: () => void; onNotice: (text: string) => void }) {
  const [gifts, setGifts] = useState<GiftView[] | null>(null)
  const [chosen, setChosen] = useState<string | null>(null)
  const { busy, message: error, setMessage: setError, run } = useSubmit()

  useEffect(() => {
    fetchGifts().then(
      (list) => {
        setGifts(list)
        setChosen(list[0]?.code ?? null)
      },
      (err) => setError(errorMessage(err)),
    )
  }, [])

  function submit() {
    const gift = gifts?.find((g) => g.code === chosen)
    if (!gift) return
    void run(async () => {
      const order = await sendGift(props.sessionId, gift.code)
      const outcome = await payInRoom({ sessionId: props.sessionId, orderId: order.id, kind: 'GIFT', label: `礼物「${gift.name}」` })
      if (outcome === 'redirected') return
      props.onNotice(outcome === 'paid' ? `已送出「${gift.name}」，谢谢你的心意` : '已取消支付')
      props.onClose()
    })
  }

  return (
    <Sheet title={`送礼物给 ${props.peerAlias}`} className='gift-sheet' onClose={props.onClose}>
      {!gifts && !error && <Text className='room-muted'>加载中…</Text>}
      {gifts && gifts.length === 0 && <Text className='room-muted'>暂时没有可送的礼物</Text>}
      <View className='gift-grid'>
        {gifts?.map((g) => (
          <View key={g.code} className={`gift-item${g.code === chosen ? ' gift-item--on' : ''}`} data-code={g.code} onClick={() => setChosen(g.code)}>
            <Text className='gift-item__name'>{g.name}</Text>
            <Text className='gift-item__price'>{formatFen(g.priceFen)}</Text>
          </View>
        ))}
      </View>
      <SheetSubmit error={error} busy={busy} disabled={!chosen} buttonClass='gift-submit' label='赠送并支付' busyLabel='处理中…' onSubmit={submit} />
    </Sheet>
  )
}
