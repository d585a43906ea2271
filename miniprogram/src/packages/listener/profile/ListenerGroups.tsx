import { Text, View } from '@tarojs/components'
import Taro from '@tarojs/taro'
import { useEffect, useState } from 'react'
import { formatFen } from '@qingting/shared'
import { fetchListenerGroups, type GroupView } from '../../../services/groups'

/** The listener's open paid groups on the profile (none shown when there are none or the list fails). */
export function ListenerGroups({ listenerId }: { listenerId: string }) {
  const [groups, setGroups] = useState<GroupView[]>([])
  useEffect(() => {
    fetchListenerGroups(listenerId).then(setGroups, () => setGroups([]))
  }, [listenerId])
  if (groups.length === 0) return null
  return (
    <View className='profile-section profile-groups'>
      <Text className='profile-section__title'>TA 的付费群</Text>
      {groups.map((g) => {
        const prices = [g.price30Fen, g.price90Fen, g.price365Fen].filter((p): p is number => p !== null)
        return (
          <View key={g.id} className='profile-group' data-id={g.id} onClick={() => void Taro.navigateTo({ url: `/packages/groups/detail/index?id=${encodeURIComponent(g.id)}` })}>
            <Text className='profile-price'>{g.name} · {g.seatsTaken}/{g.capacity} 人{prices.length > 0 ? ` · ${formatFen(Math.min(...prices))} 起` : ''} ›</Text>
          </View>
        )
      })}
    </View>
  )
}
