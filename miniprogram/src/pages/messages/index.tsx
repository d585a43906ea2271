import { Image, Text, View } from '@tarojs/components'
import Taro, { useDidHide, useDidShow, usePullDownRefresh, useReachBottom } from '@tarojs/taro'
import { useEffect, useRef, useState } from 'react'
import type { SessionView } from '@qingting/shared'
import { OrderList } from '../../components/order-list/OrderList'
import { useOrderPages } from '../../components/order-list/useOrderPages'
import { assetUrl } from '../../services/api'
import { formatCountdown, msLeft, shortTime } from '../../utils/orders'
import { countdownTarget, SESSION_STATUS_LABELS, sessionLine } from './session-format'
import { useSessionLists } from './useSessionLists'
import { MyGroups } from './MyGroups'
import { fetchMyGroups, type GroupView } from '../../services/groups'
import './index.scss'

const openRoom = (id: string) => Taro.navigateTo({ url: `/packages/session/room/index?id=${encodeURIComponent(id)}` })

/** 消息 tab: my sessions (active ones with their countdown first, then past ones), then 我的订单. */
export default function Messages() {
  const orders = useOrderPages('talker')
  const sessions = useSessionLists()
  const [now, setNow] = useState(() => Date.now())
  const [groups, setGroups] = useState<{ owned: GroupView[]; joined: GroupView[] }>({ owned: [], joined: [] })
  const reloadGroups = () => fetchMyGroups().then(setGroups, () => undefined)
  const ticker = useRef<ReturnType<typeof setInterval> | null>(null)

  const stopTicker = () => {
    if (ticker.current) clearInterval(ticker.current)
    ticker.current = null
  }
  const hasActive = sessions.active.length > 0
  useEffect(() => {
    stopTicker()
    if (hasActive) ticker.current = setInterval(() => setNow(Date.now()), 1000)
    return stopTicker
  }, [hasActive])

  // Refresh whenever the tab is shown: a session may have started or ended, an order been paid or accepted.
  useDidShow(() => {
    setNow(Date.now())
    void sessions.reload()
    void orders.reload()
    void reloadGroups()
  })
  useDidHide(stopTicker)
  useReachBottom(() => void orders.more())
  usePullDownRefresh(() => void Promise.all([sessions.reload(), orders.reload()]).finally(() => Taro.stopPullDownRefresh()))

  const card = (s: SessionView) => {
    const target = countdownTarget(s)
    const live = s.status === 'WAITING' || s.status === 'ACTIVE'
    return (
      <View key={s.id} className={`session-item${live ? ' session-item--active' : ''}`} data-id={s.id} data-status={s.status} onClick={() => openRoom(s.id)}>
        <Image className='session-item__avatar' src={assetUrl(s.peer.avatarUrl)} mode='aspectFill' />
        <View className='session-item__main'>
          <Text className='session-item__alias'>{s.peer.alias}</Text>
          <Text className='order-item__meta'>{s.myRole === 'talker' ? '倾听者' : '倾诉者'} · {sessionLine(s)}</Text>
        </View>
        <View className='session-item__side'>
          <Text className='session-item__status session-status'>{SESSION_STATUS_LABELS[s.status]}</Text>
          {live && target ? (
            <Text className='session-item__time session-countdown'>{formatCountdown(msLeft(target.deadline, now, sessions.skewMs))}</Text>
          ) : (
            <Text className='order-item__time'>{shortTime(s.endedAt ?? s.startBy)}</Text>
          )}
        </View>
      </View>
    )
  }

  return (
    <View className='messages'>
      {sessions.error && <Text className='order-list__hint order-list__hint--error' onClick={() => void sessions.reload()}>{sessions.error}，点击重试</Text>}
      {hasActive && (
        <View className='session-active'>
          <Text className='messages__section'>进行中的会话</Text>
          <View className='session-list'>{sessions.active.map(card)}</View>
        </View>
      )}
      {sessions.past.length > 0 && (
        <View className='session-past'>
          <Text className='messages__section'>历史会话</Text>
          <View className='session-list'>
            {sessions.past.map(card)}
            {sessions.hasMorePast && <Text className='session-list__more session-past-more' onClick={() => void sessions.morePast()}>查看更多会话</Text>}
          </View>
        </View>
      )}
      <MyGroups groups={groups} />
      <Text className='messages__title'>我的订单</Text>
      <OrderList items={orders.items} state={orders.state} error={orders.error} hasMore={orders.hasMore} onMore={() => void orders.more()} onRetry={() => void orders.retry()} />
    </View>
  )
}
