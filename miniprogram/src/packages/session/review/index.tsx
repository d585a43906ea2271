import { Text, Textarea, View } from '@tarojs/components'
import Taro, { useRouter } from '@tarojs/taro'
import { useEffect, useState } from 'react'
import { REVIEW_TAGS, type ReviewView, type SessionView } from '@qingting/shared'
import { errorMessage } from '../../../services/api'
import { fetchSession, reviewSession } from '../../../services/sessions'
import { useSubmit } from '../../../components/use-submit'
import { REVIEW_MAX_TAGS, REVIEW_TEXT_MAX } from '../format'
import '../session.scss'

const STAR_WORDS = ['', '很不满意', '不满意', '一般', '满意', '非常满意']

/** 评价 (`?id=<session>`): the talker rates an ended session once, anonymously: stars, tags, optional words. */
export default function Review() {
  const { params } = useRouter()
  const id = params.id ? decodeURIComponent(params.id) : ''
  const [session, setSession] = useState<SessionView | null>(null)
  const [stars, setStars] = useState(5)
  const [tags, setTags] = useState<string[]>([])
  const [text, setText] = useState('')
  const { busy, message: error, setMessage: setError, run } = useSubmit()
  const [done, setDone] = useState<ReviewView | null>(null)

  useEffect(() => {
    if (id) fetchSession(id).then(setSession, (err) => setError(errorMessage(err)))
  }, [id])

  const toggle = (t: string) => setTags((cur) => (cur.includes(t) ? cur.filter((x) => x !== t) : cur.length >= REVIEW_MAX_TAGS ? cur : [...cur, t]))

  const submit = () =>
    run(async () => {
      setDone(await reviewSession(id, { stars, tags, text: text.trim() || undefined }))
      Taro.showToast({ title: '感谢你的评价', icon: 'success' }).catch(() => undefined)
    })

  if (!id) return <View className='room__state'>找不到这个会话</View>
  if (done || session?.reviewed) {
    return (
      <View className='review review--done'>
        <Text className='review__title review-done'>感谢你的评价</Text>
        {done && <Text className='room-muted'>{'★'.repeat(done.stars)} {done.tags.join('、')}</Text>}
        <Text className='room-muted'>评价是匿名的，会帮助更多人找到合适的倾听者。</Text>
        <Text className='room-btn room-btn--plain review-back' onClick={() => void Taro.navigateBack().catch(() => Taro.redirectTo({ url: `/packages/session/room/index?id=${encodeURIComponent(id)}` }))}>返回</Text>
      </View>
    )
  }
  return (
    <View className='review'>
      <Text className='review__title'>{session ? `这次和 ${session.peer.alias} 聊得怎么样？` : '这次倾诉怎么样？'}</Text>
      <View className='review-stars'>
        {[1, 2, 3, 4, 5].map((n) => (
          <Text key={n} className={`review-star${n <= stars ? ' review-star--on' : ''}`} data-star={String(n)} onClick={() => setStars(n)}>★</Text>
        ))}
        <Text className='room-muted review-stars__word'>{STAR_WORDS[stars]}</Text>
      </View>
      <Text className='room-muted'>选择标签（最多 {REVIEW_MAX_TAGS} 个）</Text>
      <View className='room-chips'>
        {REVIEW_TAGS.map((t) => (
          <Text key={t} className={`room-chip review-tag${tags.includes(t) ? ' room-chip--on' : ''}`} onClick={() => toggle(t)}>{t}</Text>
        ))}
      </View>
      <Textarea className='room-textarea review-text' value={text} maxlength={REVIEW_TEXT_MAX} placeholder='说说你的感受（选填，匿名展示）' onInput={(e) => setText(e.detail.value)} />
      <Text className='room-muted'>{[...text].length}/{REVIEW_TEXT_MAX}</Text>
      {error && <Text className='room-error'>{error}</Text>}
      <Text className={`room-btn review-submit${busy ? ' room-btn--off' : ''}`} onClick={() => void submit()}>{busy ? '提交中…' : '提交评价'}</Text>
    </View>
  )
}
