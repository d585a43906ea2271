import { Image, Text, View } from '@tarojs/components'
import Taro, { useDidShow, usePullDownRefresh, useReachBottom } from '@tarojs/taro'
import { useEffect, useRef, useState } from 'react'
import { TOPICS, topicLabel, type Topic } from '@qingting/shared'
import { assetUrl, errorMessage } from '../../../services/api'
import { fetchGroups, type GroupView } from '../../../services/groups'
import { fetchMe } from '../../../services/me'
import { appendUnique } from '../../../utils/orders'
import { openGroup } from '../checkout'
import { priceFromLabel, seatsLabel } from '../format'
import '../groups.scss'

/** 付费群组 (subpackage `packages/groups`, `?topic=`): open groups by topic; SENIOR listeners can create one. */
export default function GroupList() {
  const [topic, setTopic] = useState<Topic | undefined>(undefined)
  const [items, setItems] = useState<GroupView[] | null>(null)
  const [cursor, setCursor] = useState<string | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [senior, setSenior] = useState(false)
  const generation = useRef(0)

  async function load(more = false) {
    const gen = more ? generation.current : ++generation.current
    try {
      const page = await fetchGroups({ topic, cursor: more ? cursor : null })
      if (gen !== generation.current) return
      setItems((prev) => (more && prev ? appendUnique(prev, page.items) : page.items))
      setCursor(page.nextCursor)
      setError(null)
    } catch (err) {
      if (gen === generation.current) setError(errorMessage(err))
    }
  }

  useEffect(() => {
    setItems(null)
    void load()
  }, [topic])
  useDidShow(() => {
    fetchMe().then((me) => setSenior(me.listener?.tier === 'SENIOR'), () => setSenior(false))
  })
  useReachBottom(() => cursor && void load(true))
  usePullDownRefresh(() => void load().finally(() => Taro.stopPullDownRefresh()))

  return (
    <View className='groups-page group-list'>
      <View className='groups-topics'>
        <Text className={`groups-topic${topic ? '' : ' groups-topic--on'}`} onClick={() => setTopic(undefined)}>全部</Text>
        {TOPICS.map((t) => (
          <Text key={t.code} className={`groups-topic groups-topic-filter${topic === t.code ? ' groups-topic--on' : ''}`} data-topic={t.code} onClick={() => setTopic(t.code)}>{t.label}</Text>
        ))}
      </View>
      {senior && <Text className='groups-btn groups-btn--block group-create-open' onClick={() => void Taro.navigateTo({ url: '/packages/groups/create/index' })}>创建我的付费群</Text>}
      {error && <Text className='groups-notice' onClick={() => void load()}>{error}，点击重试</Text>}
      {!error && !items && <Text className='groups-state'>加载中…</Text>}
      {items && items.length === 0 && <Text className='groups-state group-list-empty'>暂时没有开放的群组</Text>}
      {items?.map((g) => <GroupCard key={g.id} group={g} />)}
      {cursor && <Text className='groups-muted' style={{ textAlign: 'center' }} onClick={() => void load(true)}>加载更多</Text>}
    </View>
  )
}

/** A group in a list: owner's avatar, name, intro, topic, seats and the cheapest term. */
export function GroupCard({ group: g }: { group: GroupView }) {
  return (
    <View className='group-card group-item' data-id={g.id} onClick={() => void openGroup(g.id)}>
      <Image className='group-card__avatar' src={assetUrl(g.owner.avatar)} mode='aspectFill' />
      <View className='group-card__main'>
        <Text className='group-card__name group-item-name'>{g.name}</Text>
        <Text className='group-card__intro'>{g.intro}</Text>
        <Text className='groups-muted'>{topicLabel(g.topic)} · 群主 {g.owner.alias} · {seatsLabel(g)}</Text>
        <Text className='group-card__price'>{priceFromLabel(g)}</Text>
      </View>
    </View>
  )
}
