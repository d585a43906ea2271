import { Input, Picker, Switch, Text, View } from '@tarojs/components'
import Taro, { useDidHide, useDidShow } from '@tarojs/taro'
import { useCallback, useEffect, useRef, useState } from 'react'
import { formatFen, type ServiceType, type WorkbenchView, type WorkingHoursEntry } from '@qingting/shared'
import { ApiError } from '../../services/api'
import { fetchWorkbench, saveWorkingHours, savePrices, sendHeartbeat, setOnline } from '../../services/listeners'
import { IncomingOrders } from './IncomingOrders'
import { TopicPackages } from './TopicPackages'
import { addSlot, dayLabel, fenToYuanInput, hoursProblems, pricesFromInputs } from './editor'
import './index.scss'

const DAY_NAMES = [1, 2, 3, 4, 5, 6, 7].map(dayLabel)
const TIER_LABELS = { NEW: '新人', REGULAR: '资深', SENIOR: '金牌' } as const

type Load = { status: 'loading' } | { status: 'error'; code: string; message: string } | { status: 'ready'; data: WorkbenchView }

/**
 * Listener workbench skeleton (subpackage `packages/workbench`): online toggle with a presence
 * heartbeat while the page is shown, working hours editor, prices within the tier's bounds.
 */
export default function Workbench() {
  const [load, setLoad] = useState<Load>({ status: 'loading' })
  const [hours, setHours] = useState<WorkingHoursEntry[]>([])
  const [prices, setPrices] = useState<Record<ServiceType, string>>({ TEXT: '', VOICE: '' })
  const [notice, setNotice] = useState<string | null>(null)
  const timer = useRef<ReturnType<typeof setInterval> | null>(null)

  const show = (data: WorkbenchView) => {
    setLoad({ status: 'ready', data })
    setHours(data.workingHours)
    setPrices({ TEXT: fenToYuanInput(data.prices.TEXT), VOICE: fenToYuanInput(data.prices.VOICE) })
  }
  const fail = (err: unknown) => {
    const e = err instanceof ApiError ? err : null
    setNotice(e ? e.message : '操作失败，请稍后再试')
  }

  const reload = useCallback(() => {
    setLoad({ status: 'loading' })
    fetchWorkbench().then(show, (err) =>
      setLoad({ status: 'error', code: err instanceof ApiError ? err.code : 'client/error', message: err instanceof Error ? err.message : String(err) }),
    )
  }, [])

  useEffect(reload, [])

  // The heartbeat keeps the listener present while the workbench is open and the toggle is on.
  const startBeat = (seconds: number) => {
    stopBeat()
    timer.current = setInterval(() => sendHeartbeat().catch(() => undefined), seconds * 1000)
  }
  const stopBeat = () => {
    if (timer.current) clearInterval(timer.current)
    timer.current = null
  }
  const toggleOn = load.status === 'ready' && load.data.toggleOn
  const beatSeconds = load.status === 'ready' ? load.data.heartbeatSeconds : 30
  useEffect(() => {
    if (toggleOn) startBeat(beatSeconds)
    else stopBeat()
    return stopBeat
  }, [toggleOn, beatSeconds])
  useDidShow(() => {
    if (toggleOn) sendHeartbeat().catch(() => undefined)
  })
  useDidHide(stopBeat)

  if (load.status === 'loading') return <View className='workbench__state'>加载中…</View>
  if (load.status === 'error') {
    const text =
      load.code === 'listener/suspended' ? '你的倾听者账号已被暂停，暂时无法使用工作台' : load.code === 'auth/forbidden' || load.code === 'listener/not_found' ? '通过倾听者审核后才能使用工作台' : `${load.message}，点击重试`
    return (
      <View className='workbench__state workbench__state--error' onClick={reload}>
        {text}
      </View>
    )
  }
  const d = load.data
  const problems = hoursProblems(hours)
  const setSlot = (i: number, patch: Partial<WorkingHoursEntry>) => setHours(hours.map((h, j) => (j === i ? { ...h, ...patch } : h)))

  return (
    <View className='workbench'>
      {notice && <View className='workbench-notice' onClick={() => setNotice(null)}>{notice}</View>}

      <View className='workbench-section workbench-online'>
        <View className='workbench-row'>
          <Text className='workbench-section__title'>接单状态</Text>
          <Switch
            className='online-toggle'
            checked={d.toggleOn}
            color='#2f9e78'
            onChange={(e) => setOnline(e.detail.value).then(show, fail)}
          />
        </View>
        <Text className={`workbench-muted${d.online ? ' workbench-online--live' : ''}`}>
          {d.online ? '在线中：倾诉者现在能看到你在线' : d.toggleOn ? '已开启，但当前不在你的工作时间内' : '已下线：开启后倾诉者可以找到在线的你'}
        </Text>
      </View>

      <View className='workbench-section workbench-row workbench-earnings' onClick={() => Taro.navigateTo({ url: '/packages/earnings/index' })}>
        <Text className='workbench-section__title'>我的收益</Text>
        <Text className='workbench-muted'>查看与提现 ›</Text>
      </View>

      <IncomingOrders />

      <View className='workbench-section workbench-hours'>
        <Text className='workbench-section__title'>工作时间（北京时间）</Text>
        <Text className='workbench-muted'>不设置表示任何时间都可以接单；结束早于开始表示跨到次日</Text>
        {hours.map((h, i) => (
          <View key={i} className='hours-slot'>
            <Picker mode='selector' range={DAY_NAMES} value={h.day - 1} onChange={(e) => setSlot(i, { day: Number(e.detail.value) + 1 })}>
              <Text className='hours-slot__day'>{dayLabel(h.day)}</Text>
            </Picker>
            <Picker mode='time' value={h.start} onChange={(e) => setSlot(i, { start: e.detail.value })}>
              <Text className='hours-slot__time'>{h.start}</Text>
            </Picker>
            <Text>–</Text>
            <Picker mode='time' value={h.end} onChange={(e) => setSlot(i, { end: e.detail.value })}>
              <Text className='hours-slot__time'>{h.end}</Text>
            </Picker>
            <Text className='hours-slot__remove' onClick={() => setHours(hours.filter((_, j) => j !== i))}>删除</Text>
          </View>
        ))}
        {problems.map((p) => <Text key={p} className='workbench-problem'>{p}</Text>)}
        <View className='workbench-row'>
          <Text className='hours-add' onClick={() => setHours(addSlot(hours))}>+ 添加时间段</Text>
          <Text
            className={`workbench-save hours-save${problems.length ? ' workbench-save--disabled' : ''}`}
            onClick={() => problems.length === 0 && saveWorkingHours(hours).then((v) => { show(v); setNotice('工作时间已保存') }, fail)}
          >
            保存
          </Text>
        </View>
      </View>

      <View className='workbench-section workbench-prices'>
        <Text className='workbench-section__title'>价格设置（每 15 分钟）</Text>
        <Text className='workbench-muted price-bounds'>
          {TIER_LABELS[d.tier]}等级可设 {formatFen(d.priceBounds.min)} – {formatFen(d.priceBounds.max)}，留空表示不提供该服务
        </Text>
        {(['TEXT', 'VOICE'] as const).map((type) => (
          <View key={type} className='workbench-row price-row'>
            <Text>{type === 'TEXT' ? '文字倾诉' : '语音倾诉'} ¥</Text>
            <Input
              className={`price-input price-input--${type.toLowerCase()}`}
              type='digit'
              value={prices[type]}
              placeholder='不提供'
              onInput={(e) => setPrices({ ...prices, [type]: e.detail.value })}
            />
          </View>
        ))}
        <Text
          className='workbench-save prices-save'
          onClick={() => {
            const parsed = pricesFromInputs(prices, d.priceBounds)
            if (!parsed.ok) return setNotice(parsed.problems.join('；'))
            savePrices(parsed.body).then((v) => { show(v); setNotice('价格已保存') }, fail)
          }}
        >
          保存价格
        </Text>
      </View>

      <TopicPackages workbench={d} onNotice={setNotice} />
    </View>
  )
}

