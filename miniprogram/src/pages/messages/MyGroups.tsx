import { Image, Text, View } from '@tarojs/components'
import Taro from '@tarojs/taro'
import { assetUrl } from '../../services/api'
import type { GroupView } from '../../services/groups'
import { myGroupLine } from './group-format'

const go = (url: string) => void Taro.navigateTo({ url })

/** 我的群组 on the 消息 tab: groups I run or belong to (tap: the chat when in, else the detail), and a way to find more. */
export function MyGroups({ groups }: { groups: { owned: GroupView[]; joined: GroupView[] } }) {
  const all = [...groups.owned.map((g) => ({ g, owned: true })), ...groups.joined.map((g) => ({ g, owned: false }))]
  return (
    <View className='my-groups'>
      <View className='messages__section-row'>
        <Text className='messages__section'>我的群组</Text>
        <Text className='messages__link my-groups-discover' onClick={() => go('/packages/groups/list/index')}>发现群组 ›</Text>
      </View>
      <View className='session-list'>
        {all.length === 0 && <Text className='session-list__more'>还没有加入群组</Text>}
        {all.map(({ g, owned }) => {
          // The chat when I can be in it (the server names its conversation only then), else the detail.
          const inside = g.conversationId !== null
          const id = encodeURIComponent(g.id)
          return (
            <View key={g.id} className='session-item my-group-item' data-id={g.id} data-owned={owned ? '1' : '0'} onClick={() => go(inside ? `/packages/groups/room/index?id=${id}` : `/packages/groups/detail/index?id=${id}`)}>
              <Image className='session-item__avatar' src={assetUrl(g.owner.avatar)} mode='aspectFill' />
              <View className='session-item__main'>
                <Text className='session-item__alias'>{g.name}</Text>
                <Text className='order-item__meta'>{myGroupLine(g, owned)}</Text>
              </View>
            </View>
          )
        })}
      </View>
    </View>
  )
}
