import { Text, View } from '@tarojs/components'
import Taro, { useDidShow, usePullDownRefresh, useReachBottom } from '@tarojs/taro'
import { OrderList } from '../../components/order-list/OrderList'
import { useOrderPages } from '../../components/order-list/useOrderPages'
import './index.scss'

/** 消息 tab: for now "我的订单" (the talker's orders); chat threads come with sessions. */
export default function Messages() {
  const orders = useOrderPages('talker')
  // Refresh whenever the tab is shown: an order may have been paid or accepted meanwhile.
  useDidShow(() => void orders.reload())
  useReachBottom(() => void orders.more())
  usePullDownRefresh(() => void orders.reload().finally(() => Taro.stopPullDownRefresh()))
  return (
    <View className='messages'>
      <Text className='messages__title'>我的订单</Text>
      <OrderList items={orders.items} state={orders.state} error={orders.error} hasMore={orders.hasMore} onMore={() => void orders.more()} onRetry={() => void orders.retry()} />
    </View>
  )
}
