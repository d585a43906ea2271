import { useState } from 'react'
import { Text, View } from '@tarojs/components'
import Taro, { useDidShow } from '@tarojs/taro'
import { errorMessage } from '../../services/api'
import { nextStep, STATUS_LABELS } from './form-rules'
import { fetchMyApplication, fetchTraining, type MyApplication, type TrainingOverview } from './vetting-api'
import './apply.scss'

type State = { kind: 'loading' } | { kind: 'error'; message: string } | { kind: 'ready'; app: MyApplication | null; training: TrainingOverview }

const go = (url: string) => Taro.navigateTo({ url })

/** The hub of becoming a listener: status of the application (审核中/需修改/已通过/未通过), training, next step. */
export default function ApplyStatus() {
  const [state, setState] = useState<State>({ kind: 'loading' })

  async function load() {
    try {
      const [app, training] = await Promise.all([fetchMyApplication(), fetchTraining()])
      setState({ kind: 'ready', app, training })
    } catch (err) {
      setState({ kind: 'error', message: errorMessage(err) })
    }
  }
  useDidShow(() => void load())

  if (state.kind === 'loading') return <View className='apply apply__center'><Text className='apply__muted'>加载中…</Text></View>
  if (state.kind === 'error') {
    return (
      <View className='apply apply__center'>
        <Text className='apply__text'>{state.message}</Text>
        <View className='apply__button apply-retry' onClick={() => { setState({ kind: 'loading' }); void load() }}>重试</View>
      </View>
    )
  }
  const { app, training } = state
  const step = nextStep(app, training)
  const done = training.lessons.filter((l) => l.completed).length
  const badge = app?.status === 'REJECTED' ? ' apply__badge--bad' : app?.status === 'CHANGES_REQUESTED' ? ' apply__badge--warn' : ''
  return (
    <View className='apply apply-status'>
      <View className='apply__card'>
        <Text className='apply__title'>我的申请</Text>
        {app ? (
          <View>
            <Text className={`apply__badge apply-status__badge${badge}`} data-status={app.status}>{STATUS_LABELS[app.status]}</Text>
            {app.reason && <Text className='apply__text apply-status__reason'>{app.status === 'CHANGES_REQUESTED' ? '需要修改：' : '原因：'}{app.reason}</Text>}
            {app.status === 'AWAITING_SECOND_REVIEW' && <Text className='apply__muted'>你的资质证书正在复核</Text>}
            {app.status === 'APPROVED' && <Text className='apply__text'>欢迎加入倾听！去工作台设置价格和接单时间吧。</Text>}
            <Text className='apply__muted'>提交于 {app.submittedAt.slice(0, 10)}</Text>
          </View>
        ) : (
          <Text className='apply__text apply-status__empty'>你还没有提交申请。倾听者需通过实名认证、培训考试和人工审核。</Text>
        )}
      </View>
      <View className='apply__card'>
        <Text className='apply__title'>培训</Text>
        <Text className='apply__text'>课程 {done}/{training.lessons.length}　考试：{training.quiz.passed ? '已通过' : `未通过（及格 ${training.quiz.passPercent} 分，今日剩余 ${training.quiz.attemptsLeftToday} 次）`}</Text>
        <View className='apply__button apply__button--ghost apply-go-training' onClick={() => go('/packages/apply/training/index')}>学习课程</View>
        {training.allLessonsCompleted && !training.quiz.passed && <View className='apply__button apply__button--ghost apply-go-quiz' onClick={() => go('/packages/apply/quiz/index')}>参加考试</View>}
      </View>
      {(step === 'apply' || step === 'reapply') && <View className='apply__button apply-go-form' onClick={() => go('/packages/apply/form/index')}>{step === 'reapply' ? '重新申请' : '填写申请'}</View>}
      {step === 'fix' && app && <View className='apply__button apply-go-fix' onClick={() => go(`/packages/apply/form/index?id=${app.id}`)}>修改并重新提交</View>}
    </View>
  )
}
