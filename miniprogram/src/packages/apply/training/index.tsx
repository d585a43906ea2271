import { useState } from 'react'
import { Text, View } from '@tarojs/components'
import Taro, { useDidShow } from '@tarojs/taro'
import { errorMessage } from '../../../services/api'
import { completeLesson, fetchTraining, type TrainingOverview } from '../vetting-api'
import '../apply.scss'

/** The required lessons; each is marked complete after reading. */
export default function Training() {
  const [data, setData] = useState<TrainingOverview | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [open, setOpen] = useState<string | null>(null)

  async function load() {
    try {
      setData(await fetchTraining())
      setError(null)
    } catch (err) {
      setError(errorMessage(err))
    }
  }
  useDidShow(() => void load())

  async function finish(id: string) {
    try {
      await completeLesson(id)
      setOpen(null)
      await load()
    } catch (err) {
      Taro.showToast({ title: errorMessage(err), icon: 'none' })
    }
  }

  if (error) return <View className='apply apply__center'><Text className='apply__text'>{error}</Text><View className='apply__button' onClick={() => void load()}>重试</View></View>
  if (!data) return <View className='apply apply__center'><Text className='apply__muted'>加载中…</Text></View>
  return (
    <View className='apply apply-training'>
      {data.lessons.map((l) => (
        <View key={l.id} className='apply__card apply-lesson' data-lesson={l.id}>
          <View onClick={() => setOpen(open === l.id ? null : l.id)}>
            <Text className='apply__title'>{l.completed ? '✓ ' : ''}{l.title}</Text>
          </View>
          {open === l.id && (
            <View>
              {l.body.map((p, i) => <Text key={i} className='apply__text'>{p}</Text>)}
              {!l.completed && <View className='apply__button apply-lesson-complete' onClick={() => void finish(l.id)}>我已学完</View>}
            </View>
          )}
        </View>
      ))}
      <View className='apply__card'>
        <Text className='apply__title'>心理援助热线</Text>
        {data.hotlines.map((h) => <Text key={h.phone} className='apply__text'>{h.name}：{h.phone}</Text>)}
      </View>
      {data.allLessonsCompleted && !data.quiz.passed && (
        <View className='apply__button apply-go-quiz' onClick={() => Taro.navigateTo({ url: '/packages/apply/quiz/index' })}>参加考试</View>
      )}
    </View>
  )
}
