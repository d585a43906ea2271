import { useEffect, useRef, useState } from 'react'
import { Input, Text, View } from '@tarojs/components'
import { formatFen } from '@qingting/shared'
import { errorMessage } from '../../services/api'
import { useSubmit } from '../../components/use-submit'
import * as api from './finance-api'
import { CATEGORIES, CATEGORY_LABELS, chartBars, chartMax, chinaDate, isDate, KIND_LABELS, needsAttention, RUN_STATUS_LABELS, runHeadline, summaryFields, triggerLabel } from './finance-format'
import { when } from './order-format'

const POLL_MS = 2000
const money = (fen: number | null) => (fen === null ? '—' : formatFen(fen))

/** 对账 (finance): start a day's reconciliation, the runs per day, one run's figures and differences, CSV. */
export function ReconciliationSection() {
  const [openId, setOpenId] = useState<string | null>(null)
  if (openId) return <RunDetail id={openId} onBack={() => setOpenId(null)} />
  return <RunList onOpen={setOpenId} />
}

function RunList({ onOpen }: { onOpen: (id: string) => void }) {
  const [date, setDate] = useState(() => chinaDate(new Date(), -1))
  const [filterDate, setFilterDate] = useState<string | undefined>(undefined)
  const [items, setItems] = useState<api.ReconciliationRun[] | null>(null)
  const [cursor, setCursor] = useState<string | null>(null)
  const [error, setError] = useState<string | null>(null)
  const { busy, message: notice, setMessage: setNotice, run } = useSubmit()

  async function load(more = false) {
    try {
      if (!more) setItems(null)
      const page = await api.fetchRuns({ date: filterDate, cursor: more ? cursor ?? undefined : undefined })
      setItems((prev) => (more && prev ? [...prev, ...page.items] : page.items))
      setCursor(page.nextCursor)
      setError(null)
    } catch (err) {
      setError(errorMessage(err))
    }
  }
  useEffect(() => void load(), [filterDate])

  async function start() {
    if (!isDate(date)) return setNotice('请输入账单日期，如 2025-01-31')
    await run(async () => onOpen((await api.startReconciliation(date)).id))
  }

  return (
    <View>
      <Text className='ops__title'>对账</Text>
      <View className='ops__panel'>
        <Text className='ops__muted'>下载该日的微信支付交易账单和资金账单，与本地支付、退款、转账逐笔核对（账单在次日 10:00 后可下载；每天 10 点后自动对前一天对账）。</Text>
        <Input className='ops__input ops-reconcile-date' value={date} placeholder='账单日期 YYYY-MM-DD' onInput={(e) => setDate(e.detail.value.trim())} onConfirm={() => void start()} />
        <Text className='ops__btn ops-reconcile-start' onClick={() => void start()}>{busy ? '对账中…' : '开始对账'}</Text>
        <Text className='ops__btn ops__btn--plain ops-reconcile-filter' onClick={() => setFilterDate(isDate(date) ? date : undefined)}>只看该日</Text>
        {filterDate && <Text className='ops__btn ops__btn--plain' onClick={() => setFilterDate(undefined)}>看全部</Text>}
        {notice && <Text className='ops__error ops-reconcile-notice'>{notice}</Text>}
      </View>
      <View className='ops__panel'>
        {error && <View><Text className='ops__error'>{error}</Text><Text className='ops__btn' onClick={() => void load()}>重试</Text></View>}
        {!error && !items && <Text>加载中…</Text>}
        {items && items.length === 0 && <Text className='ops__muted ops-reconcile-empty'>还没有对账记录</Text>}
        {items?.map((r) => (
          <View key={r.id} className='ops__row ops-reconcile-run' data-id={r.id} data-status={r.status} onClick={() => onOpen(r.id)}>
            <Text className='ops__cell'>{r.billDate}</Text>
            <Text className={needsAttention(r) ? 'ops__cell ops__error' : 'ops__cell'}>{RUN_STATUS_LABELS[r.status] ?? r.status}</Text>
            <Text className='ops__cell'>{runHeadline(r)}</Text>
            <Text className='ops__cell ops__muted'>{triggerLabel(r.trigger)} · {when(r.startedAt)}</Text>
          </View>
        ))}
        {cursor && <Text className='ops__btn ops__btn--plain ops-reconcile-more' onClick={() => void load(true)}>加载更多</Text>}
      </View>
    </View>
  )
}

function RunDetail({ id, onBack }: { id: string; onBack: () => void }) {
  const [run, setRun] = useState<api.ReconciliationRun | null>(null)
  const [category, setCategory] = useState<string | undefined>(undefined)
  const [items, setItems] = useState<api.ReconciliationItem[]>([])
  const [cursor, setCursor] = useState<string | null>(null)
  const [error, setError] = useState<string | null>(null)
  const { message: notice, run: submit } = useSubmit()
  const poll = useRef<ReturnType<typeof setTimeout> | null>(null)

  async function load(more = false) {
    if (poll.current) clearTimeout(poll.current)
    try {
      const d = await api.fetchRun(id, { category, cursor: more ? cursor ?? undefined : undefined })
      setRun(d.run)
      setItems((prev) => (more ? [...prev, ...d.items] : d.items))
      setCursor(d.nextCursor)
      setError(null)
      // A run in progress: look again until it ends.
      if (d.run.status === 'RUNNING') poll.current = setTimeout(() => void load(), POLL_MS)
    } catch (err) {
      setError(errorMessage(err))
    }
  }
  useEffect(() => {
    void load()
    return () => {
      if (poll.current) clearTimeout(poll.current)
    }
  }, [id, category])

  async function download() {
    if (run) await submit(() => api.downloadCsv(run))
  }

  if (error && !run) return <View><Text className='ops__error'>{error}</Text><Text className='ops__btn ops__btn--plain' onClick={onBack}>返回</Text></View>
  if (!run) return <Text>加载中…</Text>
  const s = run.summary
  return (
    <View className='ops-reconcile-detail' data-status={run.status}>
      <Text className='ops__btn ops__btn--plain ops-back' onClick={onBack}>← 返回对账列表</Text>
      <Text className='ops__title'>{run.billDate} 对账 · <Text className='ops-reconcile-status'>{RUN_STATUS_LABELS[run.status] ?? run.status}</Text></Text>
      <View className='ops__panel'>
        <Text className='ops__field'><Text className='ops__label'>发起</Text>{triggerLabel(run.trigger)} · {when(run.startedAt)}{run.finishedAt ? ` → ${when(run.finishedAt)}` : ''}</Text>
        {run.status === 'RUNNING' && <Text className='ops__field'>{runHeadline(run)}</Text>}
        {run.error && <Text className='ops__error ops-reconcile-error' data-code={run.error.code}>{run.error.code}：{run.error.message}</Text>}
        {s && summaryFields(s).map((f) => (
          <Text key={f.label} className='ops__field' data-warn={f.warn ? 'true' : 'false'}><Text className='ops__label'>{f.label}</Text><Text style={f.warn ? { color: '#d9534f' } : undefined}>{f.value}</Text></Text>
        ))}
        {s && <Text className='ops__btn ops-reconcile-csv' onClick={() => void download()}>下载 CSV</Text>}
        {notice && <Text className='ops__error'>{notice}</Text>}
      </View>
      {s && (
        <View>
          <View className='ops__filters'>
            <Text className={`ops__btn ${category ? 'ops__btn--plain' : ''} ops-reconcile-category`} data-category='ALL' onClick={() => setCategory(undefined)}>全部差异</Text>
            {CATEGORIES.map((c) => (
              <Text key={c} className={`ops__btn ${category === c ? '' : 'ops__btn--plain'} ops-reconcile-category`} data-category={c} onClick={() => setCategory(c)}>
                {CATEGORY_LABELS[c]}（{s.categories[c]}）
              </Text>
            ))}
          </View>
          <View className='ops__panel'>
            {items.length === 0 && <Text className='ops__muted ops-reconcile-items-empty'>没有差异</Text>}
            {items.map((i) => (
              <View key={i.id} className='ops__row ops-reconcile-item' data-category={i.category}>
                <Text className='ops__cell'>{CATEGORY_LABELS[i.category as keyof typeof CATEGORY_LABELS] ?? i.category} · {KIND_LABELS[i.kind] ?? i.kind}</Text>
                <Text className='ops__cell ops__muted'>{i.reference}</Text>
                <Text className='ops__cell'>本地 {money(i.localFen)}{i.localState ? `（${i.localState}）` : ''}</Text>
                <Text className='ops__cell'>微信 {money(i.wechatFen)}{i.wechatState ? `（${i.wechatState}）` : ''}</Text>
                <Text className='ops__cell'>{i.repaired ? <Text className='ops__tag'>已自动修复</Text> : null}{i.detail}</Text>
              </View>
            ))}
            {cursor && <Text className='ops__btn ops__btn--plain ops-reconcile-items-more' onClick={() => void load(true)}>加载更多</Text>}
          </View>
        </View>
      )}
    </View>
  )
}

const SERIES = [
  { key: 'gmvFen', label: '成交额（GMV）', color: '#2f9e78' },
  { key: 'commissionFen', label: '平台佣金', color: '#4338ca' },
] as const

/** 经营数据 (finance): GMV, refunds and commission per day, with a bar chart built from boxes. */
export function FinanceSection() {
  const [from, setFrom] = useState(() => chinaDate(new Date(), -13))
  const [to, setTo] = useState(() => chinaDate(new Date()))
  const [report, setReport] = useState<api.DailyReport | null>(null)
  const [error, setError] = useState<string | null>(null)

  async function load() {
    if (!isDate(from) || !isDate(to)) return setError('请输入日期，如 2025-01-31')
    try {
      setReport(await api.fetchDaily(from, to))
      setError(null)
    } catch (err) {
      setError(errorMessage(err))
    }
  }
  useEffect(() => void load(), [])
  // One scale for both series, so commission shows as the share of GMV it is.
  const scale = report ? chartMax(report.days, ['gmvFen', 'commissionFen']) : 0
  const bars = report ? { gmvFen: chartBars(report.days, 'gmvFen', scale), commissionFen: chartBars(report.days, 'commissionFen', scale) } : null

  return (
    <View>
      <Text className='ops__title'>经营数据</Text>
      <View className='ops__panel'>
        <Input className='ops__input ops-finance-from' value={from} placeholder='开始日期 YYYY-MM-DD' onInput={(e) => setFrom(e.detail.value.trim())} />
        <Input className='ops__input ops-finance-to' value={to} placeholder='结束日期 YYYY-MM-DD（最多 92 天）' onInput={(e) => setTo(e.detail.value.trim())} />
        <Text className='ops__btn ops-finance-search' onClick={() => void load()}>查询</Text>
        {error && <Text className='ops__error'>{error}</Text>}
      </View>
      {bars && report && (
        <View className='ops__panel ops-finance-chart'>
          <View style={{ display: 'flex', marginBottom: '8px' }}>
            {SERIES.map((s) => (
              <Text key={s.key} style={{ marginRight: '16px' }}>
                <Text style={{ display: 'inline-block', width: '10px', height: '10px', background: s.color, marginRight: '4px' }} />
                {s.label}
              </Text>
            ))}
          </View>
          <View style={{ display: 'flex', alignItems: 'flex-end', height: '180px', borderBottom: '1px solid #d1d5db' }}>
            {report.days.map((d, i) => (
              <View key={d.date} style={{ flex: 1, display: 'flex', alignItems: 'flex-end', justifyContent: 'center', height: '100%' }}>
                {SERIES.map((s) => (
                  <View key={s.key} className='ops-finance-bar' data-series={s.key} data-date={d.date} data-title={bars[s.key][i].title} style={{ width: '40%', maxWidth: '16px', height: `${bars[s.key][i].heightPct}%`, background: s.color, marginRight: '1px' }} />
                ))}
              </View>
            ))}
          </View>
          <View style={{ display: 'flex' }}>
            {report.days.map((d) => (
              <Text key={d.date} className='ops__muted' style={{ flex: 1, textAlign: 'center', fontSize: '10px' }}>{d.date.slice(5)}</Text>
            ))}
          </View>
        </View>
      )}
      {report && (
        <View className='ops__panel'>
          <View className='ops__row'>
            {['日期', '支付订单', '成交额', '退款', '净额', '平台佣金'].map((h) => <Text key={h} className='ops__cell ops__muted'>{h}</Text>)}
          </View>
          {report.days.map((d) => (
            <View key={d.date} className='ops__row ops-finance-day' data-date={d.date}>
              <Text className='ops__cell'>{d.date}</Text>
              <Text className='ops__cell'>{d.orders}</Text>
              <Text className='ops__cell'>{formatFen(d.gmvFen)}</Text>
              <Text className='ops__cell'>{formatFen(d.refundsFen)}</Text>
              <Text className='ops__cell'>{formatFen(d.netFen)}</Text>
              <Text className='ops__cell'>{formatFen(d.commissionFen)}</Text>
            </View>
          ))}
          <View className='ops__row ops-finance-totals'>
            <Text className='ops__cell'>合计</Text>
            <Text className='ops__cell'>{report.totals.orders}</Text>
            <Text className='ops__cell'>{formatFen(report.totals.gmvFen)}</Text>
            <Text className='ops__cell'>{formatFen(report.totals.refundsFen)}</Text>
            <Text className='ops__cell'>{formatFen(report.totals.netFen)}</Text>
            <Text className='ops__cell'>{formatFen(report.totals.commissionFen)}</Text>
          </View>
        </View>
      )}
    </View>
  )
}
