import { Input, Text, View } from '@tarojs/components'
import { useState } from 'react'
import type { ListenerSort } from '@qingting/shared'
import { activeFilterCount, GENDER_OPTIONS, PRICE_RANGES, SERVICE_OPTIONS, SORT_OPTIONS, type PanelFilter } from './filters'

interface Props {
  sort: ListenerSort
  panel: PanelFilter
  keyword: string
  onSort: (sort: ListenerSort) => void
  onPanel: (panel: PanelFilter) => void
  onSearch: (keyword: string) => void
}

/** Search box, sort selector and the filter panel of the home list. */
export default function FilterBar({ sort, panel, keyword, onSort, onPanel, onSearch }: Props) {
  const [open, setOpen] = useState(false)
  const [draft, setDraft] = useState(keyword)
  const [panelDraft, setPanelDraft] = useState(panel)
  const count = activeFilterCount(panel)
  const set = (patch: Partial<PanelFilter>) => setPanelDraft((p) => ({ ...p, ...patch }))
  const chip = (active: boolean) => `filter-option${active ? ' filter-option--active' : ''}`

  return (
    <View className='filter-bar'>
      <View className='search-row'>
        <Input
          className='search-input'
          type='text'
          confirmType='search'
          maxlength={30}
          placeholder='搜索昵称、简介或经历，如「离异」'
          value={draft}
          onInput={(e) => setDraft(e.detail.value)}
          onConfirm={(e) => onSearch(e.detail.value)}
        />
        <Text className='search-button' onClick={() => onSearch(draft)}>搜索</Text>
      </View>
      <View className='sort-row'>
        {SORT_OPTIONS.map((o) => (
          <Text
            key={o.value}
            className={`sort-option${o.value === sort ? ' sort-option--active' : ''}`}
            data-sort={o.value}
            onClick={() => o.value !== sort && onSort(o.value)}
          >
            {o.label}
          </Text>
        ))}
        <Text
          className={`filter-toggle${count ? ' filter-toggle--active' : ''}`}
          onClick={() => {
            setPanelDraft(panel)
            setOpen(!open)
          }}
        >
          筛选{count ? `(${count})` : ''}
        </Text>
      </View>
      {open && (
        <View className='filter-panel'>
          <View className='filter-group filter-service'>
            <Text className='filter-group__label'>服务方式</Text>
            {SERVICE_OPTIONS.map((o) => (
              <Text key={o.label} className={chip(panelDraft.serviceType === o.value)} data-value={o.value ?? 'ANY'} onClick={() => set({ serviceType: o.value })}>{o.label}</Text>
            ))}
          </View>
          <View className='filter-group filter-price'>
            <Text className='filter-group__label'>价格/15分钟</Text>
            {PRICE_RANGES.map((r) => (
              <Text key={r.key} className={chip(panelDraft.priceRange === r.key)} data-value={r.key} onClick={() => set({ priceRange: r.key })}>{r.label}</Text>
            ))}
          </View>
          <View className='filter-group filter-gender'>
            <Text className='filter-group__label'>性别</Text>
            {GENDER_OPTIONS.map((o) => (
              <Text key={o.label} className={chip(panelDraft.gender === o.value)} data-value={o.value ?? 'ANY'} onClick={() => set({ gender: o.value })}>{o.label}</Text>
            ))}
          </View>
          <View className='filter-group'>
            <Text className={`filter-online ${chip(panelDraft.onlineNow)}`} onClick={() => set({ onlineNow: !panelDraft.onlineNow })}>现在在线</Text>
            <Text className={`filter-certified ${chip(panelDraft.certified)}`} onClick={() => set({ certified: !panelDraft.certified })}>认证咨询师</Text>
            <Text className={`filter-rating ${chip(panelDraft.highRating)}`} onClick={() => set({ highRating: !panelDraft.highRating })}>评分 4.5+</Text>
          </View>
          <View className='filter-actions'>
            <Text
              className='filter-reset'
              onClick={() => {
                const empty = { serviceType: null, priceRange: 'any', gender: null, onlineNow: false, certified: false, highRating: false }
                setPanelDraft(empty)
              }}
            >
              重置
            </Text>
            <Text
              className='filter-apply'
              onClick={() => {
                setOpen(false)
                onPanel(panelDraft)
              }}
            >
              确定
            </Text>
          </View>
        </View>
      )}
    </View>
  )
}
