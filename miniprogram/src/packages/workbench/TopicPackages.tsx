import { Input, Picker, Text, View } from '@tarojs/components'
import { useEffect, useState } from 'react'
import { formatFen, MAX_ACTIVE_PACKAGES, packagePriceBounds, topicLabel, type ServiceType, type Topic, type WorkbenchView } from '@qingting/shared'
import { errorMessage } from '../../services/api'
import { fetchMyPackages, offerPackage, takePackageOffSale, type TopicPackage } from '../../services/orders'
import { offeredServiceTypes, SERVICE_TYPE_LABELS } from '../../utils/orders'
import { PACKAGE_MINUTE_CHOICES, packageFromInputs } from './editor'

/**
 * 主题套餐 in the workbench: the packages on sale and a form to add one (one of my topics, a
 * service I offer, a length, a price within my tier's bounds). Taking one off sale keeps the
 * minutes talkers already bought spendable.
 */
export function TopicPackages({ workbench, onNotice }: { workbench: WorkbenchView; onNotice: (text: string) => void }) {
  const [items, setItems] = useState<TopicPackage[] | null>(null)
  const topics = workbench.topics as Topic[]
  const services = offeredServiceTypes(workbench.prices)
  const [topic, setTopic] = useState<Topic | null>(topics[0] ?? null)
  const [serviceType, setServiceType] = useState<ServiceType | null>(services[0] ?? null)
  const [minutes, setMinutes] = useState<number>(60)
  const [price, setPrice] = useState('')

  const reload = () => fetchMyPackages().then(setItems, (err) => onNotice(errorMessage(err)))
  useEffect(() => void reload(), [])

  const bounds = packagePriceBounds(workbench.tier, minutes)
  const submit = () => {
    const parsed = packageFromInputs({ topic, serviceType, minutes, price }, workbench.tier)
    if (!parsed.ok) return onNotice(parsed.problems.join('；'))
    offerPackage(parsed.body).then(
      () => { setPrice(''); onNotice('套餐已上架'); void reload() },
      (err) => onNotice(errorMessage(err)),
    )
  }
  const takeOff = (id: string) =>
    takePackageOffSale(id).then(
      () => { onNotice('套餐已下架，已售出的时长仍可使用'); void reload() },
      (err) => onNotice(errorMessage(err)),
    )

  return (
    <View className='workbench-section workbench-packages'>
      <Text className='workbench-section__title'>主题套餐</Text>
      <Text className='workbench-muted'>倾诉者一次买下一段时长，30 天内可分次使用；最多同时上架 {MAX_ACTIVE_PACKAGES} 个</Text>
      {items === null && <Text className='workbench-muted'>加载中…</Text>}
      {items?.map((p) => (
        <View key={p.id} className='workbench-row package-item' data-id={p.id}>
          <Text>{topicLabel(p.topic as Topic)} · {SERVICE_TYPE_LABELS[p.serviceType]} {p.minutes}分钟 {formatFen(p.priceFen)}</Text>
          <Text className='hours-slot__remove package-take-off' onClick={() => void takeOff(p.id)}>下架</Text>
        </View>
      ))}
      {items && items.length < MAX_ACTIVE_PACKAGES && topics.length > 0 && services.length > 0 && (
        <View className='package-form'>
          <View className='workbench-row'>
            <Picker mode='selector' range={topics.map((t) => topicLabel(t))} value={Math.max(0, topics.indexOf(topic as Topic))} onChange={(e) => setTopic(topics[Number(e.detail.value)])}>
              <Text className='hours-slot__day package-topic'>{topic ? topicLabel(topic) : '选择话题'}</Text>
            </Picker>
            <Picker mode='selector' range={services.map((s) => SERVICE_TYPE_LABELS[s])} value={Math.max(0, services.indexOf(serviceType as ServiceType))} onChange={(e) => setServiceType(services[Number(e.detail.value)])}>
              <Text className='hours-slot__day package-service'>{serviceType ? SERVICE_TYPE_LABELS[serviceType] : '服务方式'}</Text>
            </Picker>
            <Picker mode='selector' range={PACKAGE_MINUTE_CHOICES.map((m) => `${m}分钟`)} value={Math.max(0, PACKAGE_MINUTE_CHOICES.indexOf(minutes as (typeof PACKAGE_MINUTE_CHOICES)[number]))} onChange={(e) => setMinutes(PACKAGE_MINUTE_CHOICES[Number(e.detail.value)])}>
              <Text className='hours-slot__time package-minutes'>{minutes}分钟</Text>
            </Picker>
          </View>
          <View className='workbench-row price-row'>
            <Text>套餐价 ¥</Text>
            <Input className='price-input package-price' type='digit' value={price} placeholder={`${bounds.min / 100}–${bounds.max / 100}`} onInput={(e) => setPrice(e.detail.value)} />
          </View>
          <Text className='workbench-save package-offer' onClick={submit}>上架套餐</Text>
        </View>
      )}
    </View>
  )
}
