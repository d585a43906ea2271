import { Text, View } from '@tarojs/components'
import Taro, { useReachBottom } from '@tarojs/taro'
import { useState } from 'react'
import type { ListenerSort } from '@qingting/shared'
import FilterBar from './FilterBar'
import { EMPTY_PANEL, toListenerFilter, type PanelFilter } from './filters'
import ListenerCard from './ListenerCard'
import TopicChips from './TopicChips'
import { useListenerFeed } from './useListenerFeed'
import './index.scss'

function openProfile(id: string) {
  Taro.navigateTo({ url: `/packages/listener/profile/index?id=${encodeURIComponent(id)}` })
}

export default function Index() {
  const { state, reload, loadMore } = useListenerFeed()
  const [sort, setSort] = useState<ListenerSort>('recommended')
  const [panel, setPanel] = useState<PanelFilter>(EMPTY_PANEL)
  const [keyword, setKeyword] = useState('')
  const apply = (next: { sort?: ListenerSort; panel?: PanelFilter; keyword?: string }) => {
    const s = next.sort ?? sort
    const p = next.panel ?? panel
    const k = next.keyword ?? keyword
    setSort(s)
    setPanel(p)
    setKeyword(k)
    reload(state.topic, toListenerFilter(p, s, k))
  }
  const filtered = keyword.trim() !== '' || JSON.stringify(panel) !== JSON.stringify(EMPTY_PANEL)

  useReachBottom(() => loadMore())

  return (
    <View className='home'>
      <View className='home__header'>
        <Text className='home__title'>找个人，好好说说话</Text>
        <Text className='home__subtitle'>匿名倾诉，按 15 分钟计费</Text>
      </View>

      <TopicChips value={state.topic} onChange={(topic) => reload(topic)} />
      <FilterBar
        sort={sort}
        panel={panel}
        keyword={keyword}
        onSort={(s) => apply({ sort: s })}
        onPanel={(p) => apply({ panel: p })}
        onSearch={(k) => apply({ keyword: k.trim().slice(0, 30) })}
      />

      {state.status === 'loading' && <View className='home__state home__state--loading'>加载中…</View>}

      {state.status === 'error' && (
        <View className='home__state home__state--error' onClick={() => reload(state.topic)}>
          {state.errorMessage ? `${state.errorMessage}，` : '加载失败，'}点击重试
        </View>
      )}

      {state.status === 'ready' && state.items.length === 0 && (
        <View className='home__state home__state--empty'>{filtered ? '没有符合条件的倾听者，换个条件试试' : '暂无倾听者'}</View>
      )}

      {state.items.length > 0 && (
        <View className='home__list'>
          {state.items.map((l) => (
            <ListenerCard key={l.id} listener={l} onOpen={openProfile} />
          ))}
        </View>
      )}

      {state.items.length > 0 && (
        <View className='home__footer'>
          {state.status === 'loadingMore' && <Text>加载中…</Text>}
          {state.status === 'errorMore' && (
            <Text className='home__retry' onClick={loadMore}>加载失败，点击重试</Text>
          )}
          {state.status === 'ready' && state.nextCursor === null && <Text>没有更多了</Text>}
        </View>
      )}
    </View>
  )
}
