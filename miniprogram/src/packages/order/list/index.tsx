import { View } from '@tarojs/components'
import Taro, { useDidShow, usePullDownRefresh, useReachBottom } from '@tarojs/taro'
import { OrderList } from '../../../components/order-list/OrderList'
import { useOrderPages } from '../../../components/order-list/useOrderPages'

/** 我的订单 (subpackage `packages/order`): the talker's orders, newest first, infinite scroll. */
export default function MyOrders() {
  const orders = useOrderPages('talker')
  useDidShow(() => void orders.reload())
  useReachBottom(() => void orders.more())
  usePullDownRefresh(() => void orders.reload().finally(() => Taro.stopPullDownRefresh()))
  return (
    <View className='my-orders'>
      <OrderList items={orders.items} state={orders.state} error={orders.error} hasMore={orders.hasMore} onMore={() => void orders.more()} onRetry={() => void orders.retry()} />
    </View>
  )
}
