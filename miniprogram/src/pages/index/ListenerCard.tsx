import { Image, Text, View } from '@tarojs/components'
import { topicLabel, type ListenerCard as ListenerCardData } from '@qingting/shared'
import { assetUrl } from '../../services/api'
import { priceLabels, ratingLabel } from '../../utils/labels'

interface Props {
  listener: ListenerCardData
  onOpen?: (id: string) => void
}

export default function ListenerCard({ listener, onOpen }: Props) {
  const prices = priceLabels(listener.prices)
  return (
    <View className='listener-card' data-id={listener.id} onClick={() => onOpen?.(listener.id)}>
      <View className='listener-card__avatar-wrap'>
        <Image className='listener-card__avatar' src={assetUrl(listener.avatarUrl)} mode='aspectFill' lazyLoad />
        {listener.online && <View className='listener-card__online' aria-label='在线' />}
      </View>
      <View className='listener-card__body'>
        <View className='listener-card__head'>
          <Text className='listener-alias'>{listener.alias}</Text>
          {listener.certified && <Text className='listener-card__badge'>认证</Text>}
          <Text className='listener-card__rating'>{ratingLabel(listener.rating)}</Text>
        </View>
        <View className='listener-card__topics'>
          {listener.topics.map((t) => (
            <Text key={t} className='listener-card__topic'>{topicLabel(t)}</Text>
          ))}
        </View>
        <View className='listener-card__prices'>
          {prices.length > 0
            ? prices.map((p) => <Text key={p} className='listener-card__price'>{p}</Text>)
            : <Text className='listener-card__price listener-card__price--none'>暂未开放预约</Text>}
        </View>
      </View>
    </View>
  )
}
