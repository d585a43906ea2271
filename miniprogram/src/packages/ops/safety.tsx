import { useState } from 'react'
import { Input, Text, View } from '@tarojs/components'
import { formatFen } from '@qingting/shared'
import { orderStatusLabel, parseYuanToFen } from '../../utils/orders'
import { END_REASON_LABELS, durationLabel } from '../../pages/messages/session-format'
import * as ops from './ops-api'
import { when } from './order-format'
import { usePagedList } from './use-paged-list'
import { useSubmit } from '../../components/use-submit'

/** The safety and feedback queues of the ops console: crisis alerts, reports, disputes. */

const short = (id: string | null) => (id ? id.slice(0, 8) : '—')

const ALERT_STATUS: Record<ops.CrisisAlert['status'], string> = { OPEN: '待处理', HANDLED: '已处理', FALSE_POSITIVE: '误报' }
const ALERT_CATEGORY: Record<string, string> = { suicide: '自杀倾向', self_harm: '自伤', report: '倾听者上报' }
const REPORT_STATUS: Record<ops.OpsReport['status'], string> = { OPEN: '待处理', ACTIONED: '已处置', DISMISSED: '已驳回' }
const DISPUTE_STATUS: Record<ops.OpsDispute['status'], string> = { OPEN: '待裁定', DECIDED: '已裁定' }
const DECISIONS: Record<'NONE' | 'PARTIAL' | 'FULL', string> = { NONE: '不退款', PARTIAL: '部分退款', FULL: '全额退款' }

/** One queue: a status filter (default: the open ones), cursor pages, and an item replaced in place after a decision. */
function useQueue<T extends { id: string }>(fetchPage: (q: { status?: string; cursor?: string }) => Promise<ops.Page<T>>, status: string | undefined) {
  return usePagedList((cursor) => fetchPage({ status, cursor }), [status])
}

function QueueFrame<T extends { id: string }>(props: {
  title: string
  kind: string
  statuses: Record<string, string>
  status: string | undefined
  onStatus: (s: string | undefined) => void
  queue: ReturnType<typeof useQueue<T>>
  empty: string
  render: (item: T) => JSX.Element
}) {
  const { queue: q } = props
  return (
    <View className={`ops-${props.kind}`}>
      <Text className='ops__title'>{props.title}</Text>
      <View className='ops__filters'>
        {[...Object.keys(props.statuses), undefined].map((s) => (
          <Text key={s ?? 'ALL'} className={`ops__btn ${props.status === s ? '' : 'ops__btn--plain'} ops-${props.kind}-filter`} data-status={s ?? 'ALL'} onClick={() => props.onStatus(s)}>
            {s ? props.statuses[s] : '全部'}
          </Text>
        ))}
      </View>
      <View className='ops__panel'>
        {q.error && <View><Text className='ops__error'>{q.error}</Text><Text className='ops__btn' onClick={() => void q.load()}>重试</Text></View>}
        {!q.error && !q.items && <Text>加载中…</Text>}
        {q.items && q.items.length === 0 && <Text className={`ops__muted ops-${props.kind}-empty`}>{props.empty}</Text>}
        {q.items?.map(props.render)}
        {q.cursor && <Text className='ops__btn ops__btn--plain' onClick={() => void q.load(true)}>加载更多</Text>}
      </View>
    </View>
  )
}

/** A note and the decision buttons of an open item; the note is required when `noteMin` > 0. */
function DecisionForm(props: { kind: string; placeholder: string; noteMin: number; actions: { key: string; label: string; danger?: boolean }[]; onDecide: (key: string, note: string) => Promise<void> }) {
  const [note, setNote] = useState('')
  const { busy, message: error, setMessage: setError, run } = useSubmit()
  async function decide(key: string) {
    if (busy) return
    if (note.trim().length < props.noteMin) return setError(`请填写说明（至少 ${props.noteMin} 个字）`)
    await run(() => props.onDecide(key, note.trim()))
  }
  return (
    <View className={`ops-${props.kind}-form`}>
      <Input className={`ops__input ops-${props.kind}-note`} value={note} placeholder={props.placeholder} onInput={(e) => setNote(e.detail.value)} />
      {props.actions.map((a) => (
        <Text key={a.key} className={`ops__btn${a.danger ? ' ops__btn--danger' : ''} ops-${props.kind}-${a.key.toLowerCase()}`} onClick={() => void decide(a.key)}>{busy ? '提交中…' : a.label}</Text>
      ))}
      {error && <Text className='ops__error'>{error}</Text>}
    </View>
  )
}

/** 危机预警: who, which term, how many hits; an operator marks it handled or a false positive. */
export function CrisisSection() {
  const [status, setStatus] = useState<string | undefined>('OPEN')
  const queue = useQueue(ops.fetchCrisisAlerts, status)
  return (
    <QueueFrame
      title='危机预警'
      kind='crisis'
      statuses={ALERT_STATUS}
      status={status}
      onStatus={setStatus}
      queue={queue}
      empty='暂无危机预警'
      render={(a) => (
        <View key={a.id} className='ops__panel ops-crisis-item' data-id={a.id} data-status={a.status}>
          <View className='ops__row'>
            <Text className='ops__cell ops__muted'>{when(a.createdAt)}</Text>
            <Text className='ops__cell'>{ALERT_CATEGORY[a.category] ?? a.category} · 「{a.term}」 · {a.hits} 次</Text>
            <Text className='ops__cell'>{a.person.alias}</Text>
            <Text className='ops__cell ops__muted'>会话 {short(a.sessionId)}</Text>
            <Text className='ops__cell ops-crisis-status'>{ALERT_STATUS[a.status]}</Text>
          </View>
          {a.status === 'OPEN' ? (
            <DecisionForm
              kind='crisis'
              placeholder='处理记录（选填，如：已联系用户并提供热线）'
              noteMin={0}
              actions={[{ key: 'HANDLED', label: '已处理' }, { key: 'FALSE_POSITIVE', label: '误报' }]}
              onDecide={async (key, note) => queue.replace(await ops.resolveCrisisAlert(a.id, key as 'HANDLED' | 'FALSE_POSITIVE', note || undefined))}
            />
          ) : (
            <Text className='ops__muted'>{a.handledBy?.alias ?? ''} {when(a.handledAt)} {a.note ?? ''}</Text>
          )}
        </View>
      )}
    />
  )
}

/** 举报: reason and detail, who reported whom; an operator acts or dismisses, with a resolution. */
export function ReportsSection() {
  const [status, setStatus] = useState<string | undefined>('OPEN')
  const queue = useQueue(ops.fetchReports, status)
  return (
    <QueueFrame
      title='举报'
      kind='reports'
      statuses={REPORT_STATUS}
      status={status}
      onStatus={setStatus}
      queue={queue}
      empty='暂无举报'
      render={(r) => (
        <View key={r.id} className='ops__panel ops-report-item' data-id={r.id} data-status={r.status}>
          <View className='ops__row'>
            <Text className='ops__cell ops__muted'>{when(r.createdAt)}</Text>
            <Text className='ops__cell'>{r.reason}</Text>
            <Text className='ops__cell'>{r.reporter.alias}（{r.reporter.role === 'talker' ? '倾诉者' : '倾听者'}）→ {r.reported.alias}</Text>
            <Text className='ops__cell ops__muted'>会话 {short(r.sessionId)}</Text>
            <Text className='ops__cell ops-report-status'>{REPORT_STATUS[r.status]}</Text>
          </View>
          {r.detail && <Text className='ops__field'><Text className='ops__label'>补充说明</Text>{r.detail}</Text>}
          {r.status === 'OPEN' ? (
            <DecisionForm
              kind='report'
              placeholder='处理结果（将记录在案）'
              noteMin={2}
              actions={[{ key: 'ACTIONED', label: '采取措施', danger: true }, { key: 'DISMISSED', label: '驳回' }]}
              onDecide={async (key, note) => queue.replace(await ops.resolveReport(r.id, key as 'ACTIONED' | 'DISMISSED', note))}
            />
          ) : (
            <Text className='ops__muted'>{r.resolvedBy?.alias ?? ''} {when(r.resolvedAt)} {r.resolution ?? ''}</Text>
          )}
        </View>
      )}
    />
  )
}

/** 申诉: the session's facts and the money; an operator decides none / partial / full refund. */
export function DisputesSection() {
  const [status, setStatus] = useState<string | undefined>('OPEN')
  const queue = useQueue(ops.fetchDisputes, status)
  return (
    <QueueFrame
      title='申诉'
      kind='disputes'
      statuses={DISPUTE_STATUS}
      status={status}
      onStatus={setStatus}
      queue={queue}
      empty='暂无申诉'
      render={(d) => (
        <View key={d.id} className='ops__panel ops-dispute-item' data-id={d.id} data-status={d.status}>
          <View className='ops__row'>
            <Text className='ops__cell ops__muted'>{when(d.createdAt)}</Text>
            <Text className='ops__cell'>{d.talker.alias} → {d.listener.alias}</Text>
            <Text className='ops__cell'>订单 {d.order.outTradeNo} · {orderStatusLabel(d.order.status)}</Text>
            <Text className='ops__cell ops-dispute-status'>{DISPUTE_STATUS[d.status]}{d.decision ? ` · ${DECISIONS[d.decision]}` : ''}</Text>
          </View>
          <Text className='ops__field'><Text className='ops__label'>申诉原因</Text>{d.reason}</Text>
          <Text className='ops__field'>
            <Text className='ops__label'>会话</Text>
            {d.session.serviceType === 'VOICE' ? '语音' : '文字'} · 购买 {durationLabel(d.session.paidSeconds)} · 实际 {durationLabel(d.session.usedSeconds)}
            {d.session.chargedFen !== null ? ` · 计费 ${formatFen(d.session.chargedFen)}` : ''}
            {d.session.endReason ? ` · ${END_REASON_LABELS[d.session.endReason as keyof typeof END_REASON_LABELS] ?? d.session.endReason}` : ''}
          </Text>
          <Text className='ops__field'>
            <Text className='ops__label'>金额</Text>实付 {formatFen(d.order.totalFen)} · 已退 {formatFen(d.order.refundedFen)} · 可退 {formatFen(d.order.refundableFen)}
          </Text>
          {d.status === 'OPEN' ? (
            <DisputeDecision dispute={d} onDecided={queue.replace} />
          ) : (
            <Text className='ops__muted'>{d.decidedBy?.alias ?? ''} {when(d.decidedAt)} {d.refundFen ? `退款 ${formatFen(d.refundFen)}` : ''} {d.note ?? ''}</Text>
          )}
        </View>
      )}
    />
  )
}

function DisputeDecision({ dispute, onDecided }: { dispute: ops.OpsDispute; onDecided: (d: ops.OpsDispute) => void }) {
  const [decision, setDecision] = useState<'NONE' | 'PARTIAL' | 'FULL'>('NONE')
  const [amount, setAmount] = useState('')
  const [error, setError] = useState<string | null>(null)
  return (
    <View>
      <View className='ops__filters'>
        {(Object.keys(DECISIONS) as (keyof typeof DECISIONS)[]).map((k) => (
          <Text key={k} className={`ops__btn ${decision === k ? '' : 'ops__btn--plain'} ops-dispute-decision`} data-decision={k} onClick={() => setDecision(k)}>{DECISIONS[k]}</Text>
        ))}
      </View>
      {decision === 'PARTIAL' && (
        <Input className='ops__input ops-dispute-amount' type='digit' value={amount} placeholder={`退款金额（元），最多 ${formatFen(dispute.order.refundableFen)}`} onInput={(e) => setAmount(e.detail.value)} />
      )}
      {error && <Text className='ops__error'>{error}</Text>}
      <DecisionForm
        kind='dispute'
        placeholder='裁定说明（倾诉者可见）'
        noteMin={2}
        actions={[{ key: 'DECIDE', label: `确认裁定：${DECISIONS[decision]}`, danger: decision !== 'NONE' }]}
        onDecide={async (_key, note) => {
          setError(null)
          let refundFen: number | undefined
          if (decision === 'PARTIAL') {
            const fen = parseYuanToFen(amount)
            if (fen === null || fen > dispute.order.refundableFen) {
              setError(`请输入 0.01 至 ${formatFen(dispute.order.refundableFen)} 之间的退款金额`)
              return
            }
            refundFen = fen
          }
          onDecided(await ops.decideDispute(dispute.id, { decision, refundFen, note }))
        }}
      />
    </View>
  )
}
