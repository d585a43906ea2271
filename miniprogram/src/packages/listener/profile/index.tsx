import { Button, Image, Text, View } from '@tarojs/components'
import Taro, { useRouter } from '@tarojs/taro'
import { useCallback, useEffect, useState } from 'react'
import { topicLabel, type ListenerProfileView, type ReviewItem } from '@qingting/shared'
import { assetUrl } from '../../../services/api'
import { fetchListenerProfile, fetchReviews } from '../../../services/listeners'
import { priceLabels, ratingLabel } from '../../../utils/labels'
import { minutesLabel, percentLabel, secondsLabel, starsLabel, workingHoursLabels } from './format'
import { ListenerGroups } from './ListenerGroups'
import './index.scss'

const TIER_LABELS = { NEW: '新人', REGULAR: '资深', SENIOR: '金牌' } as const

type Load<T> = { status: 'loading' } | { status: 'error'; message: string } | { status: 'ready'; data: T }

/** Listener profile (subpackage `packages/listener`): the public profile, stats, hours and anonymous reviews. */
export default function ListenerProfile() {
  const { params } = useRouter()
  const id = params.id ? decodeURIComponent(params.id) : ''
  const [profile, setProfile] = useState<Load<ListenerProfileView>>({ status: 'loading' })
  const [reviews, setReviews] = useState<ReviewItem[]>([])
  const [cursor, setCursor] = useState<string | null>(null)
  const [reviewState, setReviewState] = useState<'loading' | 'ready' | 'error'>('loading')

  const loadProfile = useCallback(() => {
    setProfile({ status: 'loading' })
    fetchListenerProfile(id).then(
      (data) => {
        setProfile({ status: 'ready', data })
        Taro.setNavigationBarTitle({ title: data.alias }).catch(() => undefined)
      },
      (err: Error) => setProfile({ status: 'error', message: err.message }),
    )
  }, [id])

  const loadReviews = useCallback(
    (after: string | null) => {
      setReviewState('loading')
      fetchReviews(id, after).then(
        (page) => {
          setReviews((prev) => {
            const seen = new Set(prev.map((r) => r.id))
            return [...(after ? prev : []), ...page.items.filter((r) => !after || !seen.has(r.id))]
          })
          setCursor(page.nextCursor)
          setReviewState('ready')
        },
        () => setReviewState('error'),
      )
    },
    [id],
  )

  useEffect(() => {
    if (!id) return
    loadProfile()
    loadReviews(null)
  }, [id])

  if (!id) return <View className='listener-profile__state'>找不到这位倾听者</View>
  if (profile.status === 'loading') return <View className='listener-profile__state'>加载中…</View>
  if (profile.status === 'error')
    return (
      <View className='listener-profile__state listener-profile__state--error' onClick={loadProfile}>
        {profile.message}，点击重试
      </View>
    )

  const p = profile.data
  return (
    <View className='listener-profile'>
      <View className='profile-head'>
        <View className='profile-head__avatar-wrap'>
          <Image className='profile-head__avatar' src={assetUrl(p.avatarUrl)} mode='aspectFill' />
          {p.online && <View className='profile-online-dot' aria-label='在线' />}
        </View>
        <View className='profile-head__info'>
          <View>
            <Text className='listener-alias'>{p.alias}</Text>
            <Text className='profile-badge'>{TIER_LABELS[p.tier]}</Text>
            {p.certified && <Text className='profile-badge profile-badge--certified'>认证咨询师</Text>}
          </View>
          <Text className={`profile-status${p.online ? ' profile-status--online' : ''}`}>{p.online ? '在线，可以倾诉' : '暂时不在线'}</Text>
          <Text className='profile-rating'>{ratingLabel(p.rating)} · {p.reviewCount} 条评价</Text>
        </View>
      </View>

      <View className='profile-section'>
        <Text className='profile-intro'>{p.intro}</Text>
        <View className='profile-tags'>
          {p.topics.map((t) => <Text key={t} className='profile-tag profile-tag--topic'>{topicLabel(t)}</Text>)}
          {p.tags.map((t) => <Text key={t} className='profile-tag'>{t}</Text>)}
        </View>
      </View>

      <View className='profile-section profile-prices'>
        <Text className='profile-section__title'>服务与价格</Text>
        {priceLabels(p.prices).map((l) => <Text key={l} className='profile-price'>{l}</Text>)}
      </View>

      <ListenerGroups listenerId={p.id} />

      <View className='profile-section profile-stats'>
        <View className='profile-stat'><Text className='profile-stat__value'>{p.stats.ordersServed}</Text><Text className='profile-stat__label'>服务单数</Text></View>
        <View className='profile-stat'><Text className='profile-stat__value'>{minutesLabel(p.stats.minutesServed)}</Text><Text className='profile-stat__label'>服务时长</Text></View>
        <View className='profile-stat'><Text className='profile-stat__value'>{percentLabel(p.stats.repurchaseRate)}</Text><Text className='profile-stat__label'>复购率</Text></View>
        <View className='profile-stat'><Text className='profile-stat__value'>{percentLabel(p.stats.responseRate)}</Text><Text className='profile-stat__label'>响应率</Text></View>
        <View className='profile-stat'><Text className='profile-stat__value'>{secondsLabel(p.stats.avgAcceptSeconds)}</Text><Text className='profile-stat__label'>平均接单</Text></View>
      </View>

      <View className='profile-section profile-hours'>
        <Text className='profile-section__title'>工作时间（北京时间）</Text>
        {workingHoursLabels(p.workingHours).map((l) => <Text key={l} className='profile-hours__item'>{l}</Text>)}
      </View>

      <View className='profile-section profile-reviews'>
        <Text className='profile-section__title'>用户评价</Text>
        {reviews.map((r) => (
          <View key={r.id} className='review-item'>
            <View>
              <Text className='review-item__author'>{r.author}</Text>
              <Text className='review-item__stars'>{starsLabel(r.stars)}</Text>
            </View>
            {r.tags.length > 0 && <Text className='review-item__tags'>{r.tags.join(' · ')}</Text>}
            {r.text && <Text className='review-item__text'>{r.text}</Text>}
          </View>
        ))}
        {reviewState === 'ready' && reviews.length === 0 && <Text className='profile-muted'>还没有评价</Text>}
        {reviewState === 'loading' && <Text className='profile-muted'>加载中…</Text>}
        {reviewState === 'error' && <Text className='profile-retry' onClick={() => loadReviews(cursor)}>评价加载失败，点击重试</Text>}
        {reviewState === 'ready' && cursor && <Text className='reviews-more' onClick={() => loadReviews(cursor)}>加载更多</Text>}
      </View>

      <View className='profile-actions'>
        <Button
          className='order-button order-entry'
          // Taro h5 styles any `disabled` attribute (even "false") as disabled: omit it unless true.
          disabled={priceLabels(p.prices).length === 0 || undefined}
          onClick={() => Taro.navigateTo({ url: `/packages/order/create/index?listenerId=${encodeURIComponent(p.id)}` })}
        >
          {p.canRebook ? '再次倾诉' : '立即倾诉'}
        </Button>
        {priceLabels(p.prices).length === 0 && <Text className='profile-muted'>TA 暂未开通服务</Text>}
      </View>
    </View>
  )
}
