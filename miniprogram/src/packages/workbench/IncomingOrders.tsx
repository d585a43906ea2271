import { Image, Input, Text, View } from '@tarojs/components'
import Taro, { useDidHide, useDidShow } from '@tarojs/taro'
import { useEffect, useRef, useState } from 'react'
import { formatFen, topicLabel, type Topic } from '@qingting/shared'
import { assetUrl, errorMessage } from '../../services/api'
import { acceptOrder, declineOrder, fetchOrders, type OrderView } from '../../services/orders'
import { formatCountdown, msLeft, newIds, orderSummary } from '../../utils/orders'
import { playChime } from './chime'

export const INCOMING_REFRESH_MS = 10_000
const DECLINE_REASONS = ['当前时段无法服务', '话题不在我的擅长范围', '身体不适，暂停接单']
/**
 * 待接单: paid orders waiting for this listener, refreshed every 10 s while the workbench is
 * shown, with a chime when one arrives that was not there before. Accept, or decline with a
 * reason (the talker is refunded in full by the server).
 */
export function IncomingOrders() {
  const [items, setItems] = useState<OrderView[] | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [notice, setNotice] = useState<string | null>(null)
  const [declining, setDeclining] = useState<string | null>(null)
  const [reason, setReason] = useState('')
  const [busy, setBusy] = useState<string | null>(null)
  const [accepted, setAccepted] = useState<string | null>(null)
  const [now, setNow] = useState(() => Date.now())
  const known = useRef<Set<string> | null>(null)
  const timer = useRef<ReturnType<typeof setInterval> | null>(null)
  const tick = useRef<ReturnType<typeof setInterval> | null>(null)

  async function refresh() {
    try {
      const page = await fetchOrders({ role: 'listener', status: 'PAID', limit: 50 })
      // The first load only learns what is there; later loads chime for anything new.
      if (known.current && newIds(known.current, page.items).length > 0) void playChime()
      known.current = new Set([...(known.current ?? []), ...page.items.map((o) => o.id)])
      setItems(page.items)
      setError(null)
    } catch (err) {
      setError(errorMessage(err))
    }
  }

  const start = () => {
    stop()
    void refresh()
    timer.current = setInterval(() => void refresh(), INCOMING_REFRESH_MS)
    tick.current = setInterval(() => setNow(Date.now()), 1000)
  }
  const stop = () => {
    if (timer.current) clearInterval(timer.current)
    if (tick.current) clearInterval(tick.current)
    timer.current = tick.current = null
  }
  useEffect(() => {
    start()
    return stop
  }, [])
  useDidShow(() => { if (!timer.current) start() })
  useDidHide(stop)

  async function accept(o: OrderView) {
    if (busy) return
    setBusy(o.id)
    try {
      await acceptOrder(o.id)
      setAccepted(o.id)
      setNotice(`已接单：${o.talker.alias}`)
      Taro.showToast({ title: '已接单', icon: 'success' })
    } catch (err) {
      setNotice(errorMessage(err))
    } finally {
      setBusy(null)
      void refresh()
    }
  }

  async function decline(o: OrderView) {
    if (busy) return
    const why = reason.trim()
    if (why.length < 2) return setNotice('请选择或填写拒绝原因')
    setBusy(o.id)
    try {
      await declineOrder(o.id, why)
      setDeclining(null)
      setReason('')
      setNotice('已拒绝，款项将全额退还给倾诉者')
    } catch (err) {
      setNotice(errorMessage(err))
    } finally {
      setBusy(null)
      void refresh()
    }
  }

  return (
    <View className='workbench-section incoming'>
      <View className='workbench-row'>
        <Text className='workbench-section__title'>待接单{items && items.length > 0 ? `（${items.length}）` : ''}</Text>
        <Text className='incoming-refresh' onClick={() => void refresh()}>刷新</Text>
      </View>
      {notice && <Text className='workbench-muted incoming-notice' onClick={() => setNotice(null)}>{notice}</Text>}
      {accepted && (
        <Text className='workbench-save incoming-enter-room' onClick={() => void Taro.navigateTo({ url: `/packages/session/room/index?orderId=${encodeURIComponent(accepted)}` })}>进入倾诉室</Text>
      )}
      {error && <Text className='workbench-problem' onClick={() => void refresh()}>{error}，点击重试</Text>}
      {!error && items === null && <Text className='workbench-muted'>加载中…</Text>}
      {items && items.length === 0 && <Text className='workbench-muted incoming-empty'>暂时没有新订单，有新订单时会提示音提醒</Text>}
      {items?.map((o) => (
        <View key={o.id} className='incoming-order' data-id={o.id}>
          <View className='incoming-order__head'>
            <View className='incoming-order__who'>
              <Image className='incoming-order__avatar' src={assetUrl(o.talker.avatarUrl)} mode='aspectFill' />
              <Text className='incoming-order__alias'>{o.talker.alias}</Text>
            </View>
            <Text className='incoming-order__amount'>{formatFen(o.totalFen)}</Text>
          </View>
          <Text className='workbench-muted'>
            {orderSummary(o)}{o.topic ? ` · ${topicLabel(o.topic as Topic)}` : ''}
          </Text>
          {o.acceptBy && <Text className='workbench-muted incoming-order__left'>剩余接单时间 {formatCountdown(msLeft(o.acceptBy, now))}</Text>}
          {declining === o.id ? (
            <View className='incoming-decline-form'>
              <View>
                {DECLINE_REASONS.map((r) => (
                  <Text key={r} className={`incoming-reason${reason === r ? ' incoming-reason--on' : ''}`} onClick={() => setReason(r)}>{r}</Text>
                ))}
              </View>
              <Input className='price-input incoming-reason-input' value={reason} placeholder='拒绝原因（倾诉者可见）' maxlength={100} onInput={(e) => setReason(e.detail.value)} />
              <View className='workbench-row'>
                <Text className='workbench-save workbench-save--plain' onClick={() => { setDeclining(null); setReason('') }}>返回</Text>
                <Text className='workbench-save workbench-save--danger incoming-decline-confirm' onClick={() => void decline(o)}>确认拒绝</Text>
              </View>
            </View>
          ) : (
            <View className='workbench-row'>
              <Text className='workbench-save workbench-save--plain incoming-decline' onClick={() => { setDeclining(o.id); setReason('') }}>拒绝</Text>
              <Text className={`workbench-save incoming-accept${busy === o.id ? ' workbench-save--disabled' : ''}`} onClick={() => void accept(o)}>接单</Text>
            </View>
          )}
        </View>
      ))}
    </View>
  )
}
