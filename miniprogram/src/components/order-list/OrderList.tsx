import { Image, Text, View } from '@tarojs/components'
import Taro from '@tarojs/taro'
import { formatFen, topicLabel, type Topic } from '@qingting/shared'
import { assetUrl } from '../../services/api'
import type { OrderView } from '../../services/orders'
import { orderStatusLabel, orderStatusTone, orderSummary, shortTime } from '../../utils/orders'
import './order-list.scss'

export type OrderListState = 'loading' | 'ready' | 'error'

export const openOrder = (id: string) => Taro.navigateTo({ url: `/packages/order/detail/index?id=${encodeURIComponent(id)}` })

/**
 * "我的订单": the talker's orders with status; used by the 消息 tab and packages/order/list.
 * The owner loads pages (useOrderPages) and calls `onMore` on reach-bottom.
 */
export function OrderList(props: { items: OrderView[]; state: OrderListState; error?: string; hasMore: boolean; onMore: () => void; onRetry: () => void }) {
  const { items, state, error, hasMore, onMore, onRetry } = props
  return (
    <View className='order-list'>
      {items.map((o) => (
        <View key={o.id} className='order-item' data-id={o.id} data-status={o.status} onClick={() => openOrder(o.id)}>
          <Image className='order-item__avatar' src={assetUrl(o.myRole === 'talker' ? o.listener.avatarUrl : o.talker.avatarUrl)} mode='aspectFill' />
          <View className='order-item__main'>
            <View className='order-item__row'>
              <Text className='order-item__alias'>{o.myRole === 'talker' ? o.listener.alias : o.talker.alias}</Text>
              <Text className={`order-status order-status--${orderStatusTone(o.status)}`} data-status={o.status}>{orderStatusLabel(o.status)}</Text>
            </View>
            <Text className='order-item__meta'>
              {orderSummary(o)}{o.topic ? ` · ${topicLabel(o.topic as Topic)}` : ''}
            </Text>
            <View className='order-item__row'>
              <Text className='order-item__time'>{shortTime(o.createdAt)}</Text>
              <Text className='order-item__amount'>{formatFen(o.totalFen)}</Text>
            </View>
          </View>
        </View>
      ))}
      {state === 'loading' && <Text className='order-list__hint'>加载中…</Text>}
      {state === 'error' && <Text className='order-list__hint order-list__hint--error order-list-retry' onClick={onRetry}>{error ?? '加载失败'}，点击重试</Text>}
      {state === 'ready' && items.length === 0 && <Text className='order-list__hint order-list-empty'>还没有订单，去首页找一位倾听者聊聊吧</Text>}
      {state === 'ready' && hasMore && <Text className='order-list__hint order-list-more' onClick={onMore}>加载更多</Text>}
      {state === 'ready' && !hasMore && items.length > 0 && <Text className='order-list__hint'>没有更多了</Text>}
    </View>
  )
}
