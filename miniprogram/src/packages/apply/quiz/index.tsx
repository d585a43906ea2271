import { useState } from 'react'
import { Text, View } from '@tarojs/components'
import Taro, { useDidShow } from '@tarojs/taro'
import { errorMessage } from '../../../services/api'
import { fetchTraining, startQuiz, submitQuiz, type QuizQuestion, type QuizResult, type TrainingOverview } from '../vetting-api'
import '../apply.scss'

/** The quiz: questions come shuffled from the server, answers are graded there. */
export default function Quiz() {
  const [overview, setOverview] = useState<TrainingOverview | null>(null)
  const [attempt, setAttempt] = useState<{ id: string; questions: QuizQuestion[] } | null>(null)
  const [answers, setAnswers] = useState<(number | null)[]>([])
  const [result, setResult] = useState<QuizResult | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)

  async function load() {
    try {
      const o = await fetchTraining()
      setOverview(o)
      if (o.quiz.openAttempt && !attempt) {
        setAttempt(o.quiz.openAttempt)
        setAnswers(o.quiz.openAttempt.questions.map(() => null))
      }
    } catch (err) {
      setError(errorMessage(err))
    }
  }
  useDidShow(() => void load())

  async function start() {
    if (busy) return
    setBusy(true)
    try {
      const a = await startQuiz()
      setAttempt(a)
      setAnswers(a.questions.map(() => null))
      setResult(null)
    } catch (err) {
      Taro.showToast({ title: errorMessage(err), icon: 'none' })
    } finally {
      setBusy(false)
    }
  }

  async function submit() {
    if (!attempt || busy) return
    if (answers.some((a) => a === null)) {
      Taro.showToast({ title: '请作答全部题目', icon: 'none' })
      return
    }
    setBusy(true)
    try {
      setResult(await submitQuiz(attempt.id, answers as number[]))
      setAttempt(null)
      await load()
    } catch (err) {
      Taro.showToast({ title: errorMessage(err), icon: 'none' })
    } finally {
      setBusy(false)
    }
  }

  if (error) return <View className='apply apply__center'><Text className='apply__text'>{error}</Text></View>
  if (!overview) return <View className='apply apply__center'><Text className='apply__muted'>加载中…</Text></View>
  if (result) {
    return (
      <View className='apply apply__center apply-quiz-result' data-passed={result.passed ? 'yes' : 'no'}>
        <Text className='apply__title'>{result.passed ? '考试通过' : '未通过'}</Text>
        <Text className='apply__text'>得分 {result.scorePercent}（答对 {result.correct}/{result.total}，及格 {result.passPercent}）</Text>
        {result.passed
          ? <View className='apply__button' onClick={() => Taro.navigateBack()}>返回</View>
          : overview.quiz.attemptsLeftToday > 0
            ? <View className='apply__button apply-quiz-start' onClick={() => void start()}>再考一次（今日剩余 {overview.quiz.attemptsLeftToday} 次）</View>
            : <Text className='apply__muted'>今天的考试次数已用完，请明天再来</Text>}
      </View>
    )
  }
  if (!attempt) {
    return (
      <View className='apply apply__center'>
        <Text className='apply__title'>培训考试</Text>
        <Text className='apply__text'>共 10 题，{overview.quiz.passPercent} 分及格，每天最多 {overview.quiz.attemptsPerDay} 次。</Text>
        {overview.quiz.passed
          ? <Text className='apply__text'>你已通过考试</Text>
          : !overview.allLessonsCompleted
            ? <Text className='apply__muted'>请先学完全部课程</Text>
            : overview.quiz.attemptsLeftToday > 0
              ? <View className={`apply__button apply-quiz-start${busy ? ' apply__button--disabled' : ''}`} onClick={() => void start()}>开始考试</View>
              : <Text className='apply__muted'>今天的考试次数已用完，请明天再来</Text>}
      </View>
    )
  }
  return (
    <View className='apply apply-quiz'>
      {attempt.questions.map((q, qi) => (
        <View key={q.id} className='apply__card apply-quiz-question'>
          <Text className='apply__text'>{qi + 1}. {q.text}</Text>
          {q.options.map((o, oi) => (
            <View
              key={oi}
              className={`apply__option apply-quiz-option${answers[qi] === oi ? ' apply__option--on' : ''}`}
              onClick={() => setAnswers(answers.map((a, i) => (i === qi ? oi : a)))}
            >
              {o}
            </View>
          ))}
        </View>
      ))}
      <View className={`apply__button apply-quiz-submit${busy ? ' apply__button--disabled' : ''}`} onClick={() => void submit()}>交卷</View>
    </View>
  )
}
