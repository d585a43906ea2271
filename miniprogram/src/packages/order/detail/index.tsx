import { Button, Image, Text, View } from '@tarojs/components'
import Taro, { useDidHide, useDidShow, useRouter } from '@tarojs/taro'
import { useEffect, useRef, useState } from 'react'
import { formatFen, topicLabel, type Topic } from '@qingting/shared'
import { assetUrl, errorMessage } from '../../../services/api'
import { cancelOrder, fetchOrder, fetchPackageBalances, syncOrder, type OrderView, type PackageBalance } from '../../../services/orders'
import { pay, payReturnUrl, takePayReturn } from '../../../platform/pay'
import { useSubmit } from '../../../components/use-submit'
import { activeCountdown, canCancel, formatCountdown, msLeft, orderStatusLabel, orderStatusTone, orderSummary, shortTime } from '../../../utils/orders'
import '../order.scss'

type Load = { status: 'loading' } | { status: 'error'; message: string } | { status: 'ready'; order: OrderView }
/**
 * 订单详情 (subpackage `packages/order`, `?id=`): status, amounts, the pay-by / accept-by
 * countdown, pay again or cancel where allowed, the transition history. Coming back from the
 * H5 cashier (`result=success`) it asks the server to confirm the payment with WeChat Pay.
 */
export default function OrderDetail() {
  const { params } = useRouter()
  const id = params.id ? decodeURIComponent(params.id) : ''
  const [load, setLoad] = useState<Load>({ status: 'loading' })
  const [now, setNow] = useState(() => Date.now())
  const { busy, message: notice, setMessage: setNotice, run } = useSubmit()
  const payReturn = useRef(takePayReturn(params as Record<string, string | undefined>))
  const ticker = useRef<ReturnType<typeof setInterval> | null>(null)
  const expiredFor = useRef<string | null>(null)

  const show = (order: OrderView) => setLoad({ status: 'ready', order })

  async function reload(quiet = false) {
    if (!quiet) setLoad({ status: 'loading' })
    try {
      show(await fetchOrder(id))
    } catch (err) {
      if (!quiet) setLoad({ status: 'error', message: errorMessage(err) })
    }
  }

  useEffect(() => {
    if (!id) return
    const ret = payReturn.current
    payReturn.current = null
    if (ret?.result === 'success') {
      // The cashier says paid: the server checks with WeChat Pay (the notification may be late).
      setNotice('支付完成，正在确认…')
      syncOrder(id).then(
        (order) => { show(order); setNotice(order.status === 'PENDING_PAYMENT' ? '支付结果确认中，请稍后刷新' : null) },
        () => { setNotice('支付结果确认中，请稍后刷新'); void reload() },
      )
    } else {
      if (ret?.result === 'cancel') setNotice('已取消支付，可在倒计时结束前继续支付')
      if (ret?.result === 'fail') setNotice(`支付失败${ret.message ? `：${ret.message}` : ''}`)
      void reload()
    }
  }, [id])

  // A topic package the talker bought: its minutes balance (left, expiry).
  const order = load.status === 'ready' ? load.order : null
  const [balance, setBalance] = useState<PackageBalance | null>(null)
  useEffect(() => {
    if (order?.kind !== 'PACKAGE' || order.myRole !== 'talker' || order.status === 'PENDING_PAYMENT') return
    fetchPackageBalances(order.listener.id).then((all) => setBalance(all.find((b) => b.orderId === order.id) ?? null), () => setBalance(null))
  }, [order?.id, order?.status])

  // One tick per second while a countdown is showing; at zero, ask the server what happened.
  const countdown = order ? activeCountdown(order) : null
  const startTicker = () => {
    stopTicker()
    ticker.current = setInterval(() => setNow(Date.now()), 1000)
  }
  const stopTicker = () => {
    if (ticker.current) clearInterval(ticker.current)
    ticker.current = null
  }
  useEffect(() => {
    if (countdown) startTicker()
    else stopTicker()
    return stopTicker
  }, [countdown?.deadline])
  useDidShow(() => {
    setNow(Date.now())
    if (countdown) startTicker()
  })
  useDidHide(stopTicker)

  const left = countdown ? msLeft(countdown.deadline, now) : null
  useEffect(() => {
    if (left === 0 && countdown && expiredFor.current !== countdown.deadline) {
      expiredFor.current = countdown.deadline
      // The server's timer closes or refunds the order; give it a moment, then refresh.
      setTimeout(() => void reload(true), 2000)
    }
  }, [left === 0, countdown?.deadline])

  if (!id) return <View className='order-page__state'>找不到这个订单</View>
  if (load.status === 'loading') return <View className='order-page__state'>{notice ?? '加载中…'}</View>
  if (load.status === 'error') return <View className='order-page__state order-page__state--error' onClick={() => void reload()}>{load.message}，点击重试</View>

  const o = load.order

  const onPay = () =>
    run(async () => {
      const outcome = await pay(o.id, payReturnUrl(o.id))
      if (outcome === 'redirected') return
      if (outcome === 'cancelled') setNotice('已取消支付')
      await reload(true)
    })

  async function onCancel() {
    if (busy) return
    const paid = o.status === 'PAID'
    const { confirm } = await Taro.showModal({ title: '取消订单', content: paid ? '倾听者还未接单，取消后将全额退款。确定取消吗？' : '确定取消这个订单吗？', confirmText: '取消订单', cancelText: '再想想' })
    if (!confirm) return
    const cancelled = await run(async () => {
      show(await cancelOrder(o.id, '用户取消'))
      setNotice(paid ? '已取消，退款将原路返回' : '订单已取消')
    })
    if (!cancelled) void reload(true)
  }

  const peer = o.myRole === 'talker' ? o.listener : o.talker
  return (
    <View className='order-page order-detail' data-id={o.id}>
      <View className='order-card order-detail__head'>
        <Text className={`order-status order-status--big order-status--${orderStatusTone(o.status)}`} data-status={o.status}>{orderStatusLabel(o.status)}</Text>
        {countdown && left !== null && (
          <View className='order-countdown'>
            <Text className='order-muted'>{countdown.label}</Text>
            <Text className='order-countdown__value'>{formatCountdown(left)}</Text>
          </View>
        )}
        {notice && <Text className='order-notice'>{notice}</Text>}
      </View>

      <View className='order-card'>
        <View className='order-peer'>
          <Image className='order-peer__avatar' src={assetUrl(peer.avatarUrl)} mode='aspectFill' />
          <View>
            <Text className='order-card__title'>{peer.alias}</Text>
            <Text className='order-muted'>{o.myRole === 'talker' ? '倾听者' : '倾诉者'}</Text>
          </View>
        </View>
        <View className='order-line'><Text>服务</Text><Text>{orderSummary(o)}</Text></View>
        {o.topic && <View className='order-line'><Text>话题</Text><Text>{topicLabel(o.topic as Topic)}</Text></View>}
        <View className='order-line'><Text>下单时间</Text><Text>{shortTime(o.createdAt)}</Text></View>
        {o.paidAt && <View className='order-line'><Text>支付时间</Text><Text>{shortTime(o.paidAt)}</Text></View>}
        {o.acceptedAt && <View className='order-line'><Text>接单时间</Text><Text>{shortTime(o.acceptedAt)}</Text></View>}
        {o.outTradeNo && <View className='order-line'><Text>订单号</Text><Text className='order-muted'>{o.outTradeNo}</Text></View>}
      </View>

      {o.paidWithPackage ? (
        <View className='order-card order-amounts'>
          <View className='order-line order-total'><Text>套餐时长支付</Text><Text className='order-total__amount'>{o.minutes} 分钟</Text></View>
          <Text className='order-muted'>未开始或提前结束时，未使用的时长会退回套餐（到期前可继续使用）</Text>
        </View>
      ) : (
        <View className='order-card order-amounts'>
          {o.kind === 'SESSION' ? (
            <View className='order-line'><Text>单价 × 数量</Text><Text>{formatFen(o.unitPriceFen)} × {o.units}</Text></View>
          ) : null}
          <View className='order-line'><Text>小计</Text><Text>{formatFen(o.subtotalFen)}</Text></View>
          {o.pointsDiscountFen > 0 && <View className='order-line'><Text>积分抵扣</Text><Text>-{formatFen(o.pointsDiscountFen)}</Text></View>}
          <View className='order-line order-total'><Text>实付</Text><Text className='order-total__amount'>{formatFen(o.totalFen)}</Text></View>
          {o.refundedFen > 0 && <View className='order-line order-refunded'><Text>已退款</Text><Text>{formatFen(o.refundedFen)}</Text></View>}
        </View>
      )}

      {balance && (
        <View className='order-card order-package-balance'>
          <View className='order-line'><Text>套餐剩余</Text><Text className='order-balance-left'>{balance.minutesLeft} / {balance.minutesTotal} 分钟</Text></View>
          <View className='order-line'><Text>有效期至</Text><Text>{shortTime(balance.expiresAt)}</Text></View>
          <Text className='order-muted'>到期未使用的时长自动失效；未开始或提前结束的会话时长会退回套餐</Text>
        </View>
      )}

      {o.kind === 'PACKAGE' && o.myRole === 'talker' && o.status === 'ACCEPTED' && (
        <View className='order-actions'>
          <Button className='order-button order-use-package' onClick={() => void Taro.navigateTo({ url: `/packages/order/create/index?listenerId=${encodeURIComponent(o.listener.id)}` })}>使用套餐时长</Button>
        </View>
      )}

      {o.transitions && o.transitions.length > 0 && (
        <View className='order-card order-history'>
          <Text className='order-card__title'>订单记录</Text>
          {[...o.transitions].reverse().map((t, i) => (
            <View key={`${t.at}-${i}`} className='order-history__item' data-to={t.to}>
              <Text className='order-history__time'>{shortTime(t.at)}</Text>
              <Text>{orderStatusLabel(t.to)}{t.reason ? `（${t.reason}）` : ''}</Text>
            </View>
          ))}
        </View>
      )}

      {o.kind === 'SESSION' && (o.status === 'ACCEPTED' || o.status === 'IN_SESSION') && (
        <View className='order-actions'>
          <Button className='order-button order-enter-room' onClick={() => void Taro.navigateTo({ url: `/packages/session/room/index?orderId=${encodeURIComponent(o.id)}` })}>进入倾诉室</Button>
        </View>
      )}
      {(o.status === 'PENDING_PAYMENT' && o.myRole === 'talker') || canCancel(o) ? (
        <View className='order-actions'>
          {o.status === 'PENDING_PAYMENT' && o.myRole === 'talker' && (
            <Button className='order-button order-pay' loading={busy} disabled={busy || left === 0 || undefined} onClick={() => void onPay()}>继续支付 {formatFen(o.totalFen)}</Button>
          )}
          {canCancel(o) && <Button className='order-button order-button--plain order-cancel' disabled={busy || undefined} onClick={() => void onCancel()}>取消订单</Button>}
        </View>
      ) : null}
    </View>
  )
}
