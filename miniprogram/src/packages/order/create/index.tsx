import { Button, Text, View } from '@tarojs/components'
import Taro, { useRouter } from '@tarojs/taro'
import { useEffect, useState } from 'react'
import { formatFen, topicLabel, type ListenerProfileView, type ServiceType, type Topic } from '@qingting/shared'
import { ApiError } from '../../../services/api'
import { fetchListenerProfile } from '../../../services/listeners'
import { createOrder, fetchPackages, type OrderView, type TopicPackage } from '../../../services/orders'
import { pay, payReturnUrl } from '../../../platform/pay'
import { clampUnits, MAX_UNITS, MIN_UNITS, offeredServiceTypes, priceBreakdown, SERVICE_TYPE_LABELS } from '../../../utils/orders'
import '../order.scss'

type Load = { status: 'loading' } | { status: 'error'; message: string } | { status: 'ready'; profile: ListenerProfileView; packages: TopicPackage[] }
const msg = (err: unknown) => (err instanceof ApiError || err instanceof Error ? err.message : '网络异常，请稍后再试')
const detailUrl = (id: string, extra = '') => `/packages/order/detail/index?id=${encodeURIComponent(id)}${extra}`

/**
 * 立即倾诉 (subpackage `packages/order`, opened from the listener profile with `listenerId`):
 * service type and 1–8 units of 15 minutes, or one of the listener's topic packages; a topic;
 * an estimated price. "去支付" creates the order (the server prices it) and pays it.
 */
export default function CreateOrder() {
  const { params } = useRouter()
  const listenerId = params.listenerId ? decodeURIComponent(params.listenerId) : ''
  const [load, setLoad] = useState<Load>({ status: 'loading' })
  const [serviceType, setServiceType] = useState<ServiceType | null>(null)
  const [units, setUnits] = useState(1)
  const [packageId, setPackageId] = useState<string | null>(null)
  const [topic, setTopic] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const [created, setCreated] = useState<OrderView | null>(null)

  const reload = () => {
    setLoad({ status: 'loading' })
    Promise.all([fetchListenerProfile(listenerId), fetchPackages(listenerId).catch(() => [] as TopicPackage[])]).then(
      ([profile, packages]) => {
        setLoad({ status: 'ready', profile, packages })
        setServiceType((cur) => cur ?? offeredServiceTypes(profile.prices)[0] ?? null)
        setTopic((cur) => cur ?? profile.topics[0] ?? null)
      },
      (err) => setLoad({ status: 'error', message: msg(err) }),
    )
  }
  useEffect(() => {
    if (listenerId) reload()
  }, [listenerId])

  if (!listenerId) return <View className='order-page__state'>找不到这位倾听者</View>
  if (load.status === 'loading') return <View className='order-page__state'>加载中…</View>
  if (load.status === 'error') return <View className='order-page__state order-page__state--error' onClick={reload}>{load.message}，点击重试</View>

  const { profile, packages } = load
  const offered = offeredServiceTypes(profile.prices)
  const pkg = packages.find((p) => p.id === packageId) ?? null
  const unitPrice = serviceType ? profile.prices[serviceType] : undefined
  const estimate = !pkg && typeof unitPrice === 'number' ? priceBreakdown(unitPrice, units) : null
  const canSubmit = !busy && !created && (pkg !== null || estimate !== null)

  async function submit() {
    if (!canSubmit) return
    setBusy(true)
    setError(null)
    let order: OrderView
    try {
      order = await createOrder(pkg ? { listenerId, packageId: pkg.id, topic: topic ?? undefined } : { listenerId, serviceType: serviceType as ServiceType, units, topic: topic ?? undefined })
      setCreated(order)
    } catch (err) {
      setError(msg(err))
      setBusy(false)
      return
    }
    try {
      const outcome = await pay(order.id, payReturnUrl(order.id))
      if (outcome === 'redirected') return // the browser is on its way to the cashier
      await Taro.redirectTo({ url: detailUrl(order.id) })
    } catch (err) {
      // The order exists and can be paid from its detail page until it expires.
      Taro.showToast({ title: msg(err), icon: 'none' })
      await Taro.redirectTo({ url: detailUrl(order.id) })
    } finally {
      setBusy(false)
    }
  }

  return (
    <View className='order-page order-create'>
      <View className='order-card'>
        <Text className='order-card__title'>向 {profile.alias} 倾诉</Text>
        <Text className='order-muted'>{profile.online ? '在线，可以立即开始' : '暂时不在线，下单后需等待 TA 接单'}</Text>
      </View>

      <View className='order-card'>
        <Text className='order-card__title'>服务方式</Text>
        {offered.length === 0 && <Text className='order-muted'>TA 暂未开通服务</Text>}
        <View className='order-chips'>
          {offered.map((t) => (
            <Text
              key={t}
              className={`order-chip order-service-${t}${!pkg && serviceType === t ? ' order-chip--on' : ''}`}
              onClick={() => { setServiceType(t); setPackageId(null) }}
            >
              {SERVICE_TYPE_LABELS[t]} {formatFen(profile.prices[t] as number)}/15分钟
            </Text>
          ))}
        </View>
        {!pkg && (
          <View className='order-stepper'>
            <Text className='order-stepper__label'>时长（每单位 15 分钟）</Text>
            <Text className={`order-stepper__btn order-units-minus${units <= MIN_UNITS ? ' order-stepper__btn--off' : ''}`} onClick={() => setUnits(clampUnits(units - 1))}>−</Text>
            <Text className='order-stepper__value order-units'>{units}</Text>
            <Text className={`order-stepper__btn order-units-plus${units >= MAX_UNITS ? ' order-stepper__btn--off' : ''}`} onClick={() => setUnits(clampUnits(units + 1))}>+</Text>
          </View>
        )}
      </View>

      {packages.length > 0 && (
        <View className='order-card'>
          <Text className='order-card__title'>主题套餐（30 天内可分次使用）</Text>
          {packages.map((p) => (
            <View key={p.id} className={`order-package${packageId === p.id ? ' order-package--on' : ''}`} data-id={p.id} onClick={() => { setPackageId(packageId === p.id ? null : p.id); setTopic(p.topic) }}>
              <Text>{topicLabel(p.topic as Topic)} · {SERVICE_TYPE_LABELS[p.serviceType]} {p.minutes}分钟</Text>
              <Text className='order-package__price'>{formatFen(p.priceFen)}</Text>
            </View>
          ))}
        </View>
      )}

      {profile.topics.length > 0 && (
        <View className='order-card'>
          <Text className='order-card__title'>想聊的话题</Text>
          <View className='order-chips'>
            {profile.topics.map((t) => (
              <Text key={t} className={`order-chip order-topic${topic === t ? ' order-chip--on' : ''}`} data-topic={t} onClick={() => !pkg && setTopic(t)}>{topicLabel(t)}</Text>
            ))}
          </View>
        </View>
      )}

      <View className='order-card order-price'>
        <Text className='order-card__title'>费用</Text>
        {estimate && (
          <>
            <View className='order-line'><Text>单价</Text><Text>{formatFen(estimate.unitPriceFen)}/15分钟</Text></View>
            <View className='order-line'><Text>时长</Text><Text>{estimate.units} × 15 = {estimate.minutes}分钟</Text></View>
            <View className='order-line order-subtotal'><Text>小计</Text><Text>{estimate.line}</Text></View>
          </>
        )}
        {pkg && <View className='order-line order-subtotal'><Text>套餐价</Text><Text>{formatFen(pkg.priceFen)}</Text></View>}
        {created ? (
          <>
            {created.pointsDiscountFen > 0 && <View className='order-line'><Text>积分抵扣</Text><Text>-{formatFen(created.pointsDiscountFen)}</Text></View>}
            <View className='order-line order-total'><Text>实付</Text><Text className='order-total__amount'>{formatFen(created.totalFen)}</Text></View>
          </>
        ) : (
          <Text className='order-muted'>实付金额以下单后显示为准</Text>
        )}
      </View>

      {error && <View className='order-error'>{error}</View>}

      <View className='order-actions'>
        <Button className={`order-button order-create-submit${canSubmit ? '' : ' order-button--off'}`} disabled={!canSubmit || undefined} loading={busy} onClick={() => void submit()}>
          {created ? '正在前往支付…' : '去支付'}
        </Button>
      </View>
    </View>
  )
}
