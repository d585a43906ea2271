import { Button, Text, View } from '@tarojs/components'
import Taro, { useRouter } from '@tarojs/taro'
import { useEffect, useState } from 'react'
import { formatFen, ORDER_ID_PLACEHOLDER, topicLabel, type ListenerProfileView, type ServiceType, type Topic } from '@qingting/shared'
import { errorMessage } from '../../../services/api'
import { fetchListenerProfile } from '../../../services/listeners'
import { checkoutOrder, fetchPackageBalances, fetchPackages, type OrderView, type PackageBalance, type PayParams, type TopicPackage } from '../../../services/orders'
import { payReturnUrl, payWith } from '../../../platform/pay'
import { clampUnits, MAX_UNITS, MIN_UNITS, offeredServiceTypes, priceBreakdown, SERVICE_TYPE_LABELS, shortTime } from '../../../utils/orders'
import '../order.scss'

type Load = { status: 'loading' } | { status: 'error'; message: string } | { status: 'ready'; profile: ListenerProfileView; packages: TopicPackage[]; balances: PackageBalance[] }
const detailUrl = (id: string, extra = '') => `/packages/order/detail/index?id=${encodeURIComponent(id)}${extra}`

/**
 * 立即倾诉 (subpackage `packages/order`, opened from the listener profile with `listenerId`):
 * service type and 1–8 units of 15 minutes, or one of the listener's topic packages; a topic;
 * an estimated price. "去支付" creates the order (the server prices it) and pays it. A talker
 * with minutes left on a package from this listener can spend them instead: the order is paid
 * with minutes at once and goes straight to its detail page, waiting for the listener.
 */
export default function CreateOrder() {
  const { params } = useRouter()
  const listenerId = params.listenerId ? decodeURIComponent(params.listenerId) : ''
  const [load, setLoad] = useState<Load>({ status: 'loading' })
  const [serviceType, setServiceType] = useState<ServiceType | null>(null)
  const [units, setUnits] = useState(1)
  const [packageId, setPackageId] = useState<string | null>(null)
  const [balanceId, setBalanceId] = useState<string | null>(null)
  const [topic, setTopic] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const [created, setCreated] = useState<OrderView | null>(null)

  const reload = () => {
    setLoad({ status: 'loading' })
    Promise.all([
      fetchListenerProfile(listenerId),
      fetchPackages(listenerId).catch(() => [] as TopicPackage[]),
      fetchPackageBalances(listenerId).catch(() => [] as PackageBalance[]),
    ]).then(
      ([profile, packages, balances]) => {
        setLoad({ status: 'ready', profile, packages, balances: balances.filter((b) => b.usable) })
        setServiceType((cur) => cur ?? offeredServiceTypes(profile.prices)[0] ?? null)
        setTopic((cur) => cur ?? profile.topics[0] ?? null)
      },
      (err) => setLoad({ status: 'error', message: errorMessage(err) }),
    )
  }
  useEffect(() => {
    if (listenerId) reload()
  }, [listenerId])

  if (!listenerId) return <View className='order-page__state'>找不到这位倾听者</View>
  if (load.status === 'loading') return <View className='order-page__state'>加载中…</View>
  if (load.status === 'error') return <View className='order-page__state order-page__state--error' onClick={reload}>{load.message}，点击重试</View>

  const { profile, packages, balances } = load
  const offered = offeredServiceTypes(profile.prices)
  const pkg = packages.find((p) => p.id === packageId) ?? null
  const balance = balances.find((b) => b.id === balanceId) ?? null
  const unitPrice = serviceType ? profile.prices[serviceType] : undefined
  const estimate = !pkg && !balance && typeof unitPrice === 'number' ? priceBreakdown(unitPrice, units) : null
  const canSubmit = !busy && !created && (pkg !== null || balance !== null || estimate !== null)
  const chooseBalance = (b: PackageBalance | null) => {
    setBalanceId(b?.id ?? null)
    setPackageId(null)
    if (b) {
      setServiceType(b.serviceType)
      if (b.topic) setTopic(b.topic)
    }
  }

  async function submit() {
    if (!canSubmit) return
    setBusy(true)
    setError(null)
    let order: OrderView
    let payment: PayParams | null
    try {
      // One call creates the order and its WeChat Pay prepay; the cashier comes back to its detail page.
      ;({ order, payment } = await checkoutOrder(
        pkg
          ? { listenerId, serviceType: pkg.serviceType, packageId: pkg.id, topic: topic ?? undefined }
          : { listenerId, serviceType: serviceType as ServiceType, units, topic: topic ?? undefined, balanceId: balance?.id },
        payReturnUrl(ORDER_ID_PLACEHOLDER),
      ))
      setCreated(order)
    } catch (err) {
      // Nothing was written (a failed prepay writes no order): the talker can simply try again.
      setError(errorMessage(err))
      setBusy(false)
      return
    }
    if (!payment) {
      // Paid with package minutes already: nothing to pay, the listener is being asked.
      await Taro.redirectTo({ url: detailUrl(order.id) })
      return
    }
    try {
      const outcome = await payWith(order.id, payment)
      if (outcome === 'redirected') return // the browser is on its way to the cashier
      await Taro.redirectTo({ url: detailUrl(order.id) })
    } catch (err) {
      // The order exists and can be paid from its detail page until it expires.
      Taro.showToast({ title: errorMessage(err), icon: 'none' })
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
              onClick={() => { setServiceType(t); setPackageId(null); setBalanceId(null) }}
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

      {balances.length > 0 && (
        <View className='order-card'>
          <Text className='order-card__title'>我的套餐时长（用时长支付，无需再付款）</Text>
          {balances.map((b) => (
            <View key={b.id} className={`order-package order-balance${balanceId === b.id ? ' order-package--on' : ''}`} data-id={b.id} onClick={() => chooseBalance(balanceId === b.id ? null : b)}>
              <Text>{b.topic ? `${topicLabel(b.topic as Topic)} · ` : ''}{SERVICE_TYPE_LABELS[b.serviceType]} 剩余 {b.minutesLeft}/{b.minutesTotal} 分钟</Text>
              <Text className='order-muted'>{shortTime(b.expiresAt)} 到期</Text>
            </View>
          ))}
        </View>
      )}

      {packages.length > 0 && (
        <View className='order-card'>
          <Text className='order-card__title'>主题套餐（30 天内可分次使用，到期未用完的时长作废）</Text>
          {packages.map((p) => (
            <View key={p.id} className={`order-package${packageId === p.id ? ' order-package--on' : ''}`} data-id={p.id} onClick={() => { setPackageId(packageId === p.id ? null : p.id); setBalanceId(null); setTopic(p.topic) }}>
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
        {balance && (
          <View className='order-line order-subtotal order-balance-use'>
            <Text>使用套餐时长</Text>
            <Text>{Math.min(units * 15, balance.minutesLeft)} 分钟（剩余 {balance.minutesLeft} 分钟）</Text>
          </View>
        )}
        {balance ? (
          <Text className='order-muted'>本次无需付款；提前结束或未开始的时长会退回套餐</Text>
        ) : created ? (
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
          {balance ? '用套餐时长下单' : created ? '正在前往支付…' : '去支付'}
        </Button>
      </View>
    </View>
  )
}
