import { useEffect, useState } from 'react'
import { Input, Text, View } from '@tarojs/components'
import { formatFen } from '@qingting/shared'
import { errorMessage } from '../../services/api'
import { PAYOUT_STATUS_LABELS } from '../../services/earnings'
import { recordCells, when } from './order-format'
import * as api from './payouts-api'
import { usePagedList } from './use-paged-list'

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
const statusLabel = (s: string) => PAYOUT_STATUS_LABELS[s as keyof typeof PAYOUT_STATUS_LABELS] ?? s

/** 提现 (finance): every payout by status or listener, and one with its ledger lines. */
export function PayoutsSection() {
  const [openId, setOpenId] = useState<string | null>(null)
  if (openId) return <PayoutDetail id={openId} onBack={() => setOpenId(null)} />
  return <PayoutList onOpen={setOpenId} />
}

function PayoutList({ onOpen }: { onOpen: (id: string) => void }) {
  const [status, setStatus] = useState<string | undefined>(undefined)
  const [listenerId, setListenerId] = useState('')
  const { items, cursor, error, load } = usePagedList((cursor) => {
    const listener = listenerId.trim()
    if (listener && !UUID_RE.test(listener)) throw new Error('倾听者编号格式不对')
    return api.fetchPayouts({ status, listenerId: listener || undefined, cursor })
  }, [status])

  return (
    <View>
      <Text className='ops__title'>提现</Text>
      <View className='ops__panel'>
        <Input className='ops__input ops-payouts-listener' value={listenerId} placeholder='倾听者编号（可选）' onInput={(e) => setListenerId(e.detail.value)} onConfirm={() => void load()} />
        <Text className='ops__btn ops-payouts-search' onClick={() => void load()}>查询</Text>
      </View>
      <View className='ops__filters'>
        {[undefined, ...Object.keys(PAYOUT_STATUS_LABELS)].map((s) => (
          <Text key={s ?? 'ALL'} className={`ops__btn ${status === s ? '' : 'ops__btn--plain'} ops-payouts-filter`} data-status={s ?? 'ALL'} onClick={() => setStatus(s)}>
            {s ? statusLabel(s) : '全部'}
          </Text>
        ))}
      </View>
      <View className='ops__panel'>
        {error && <View><Text className='ops__error'>{error}</Text><Text className='ops__btn' onClick={() => void load()}>重试</Text></View>}
        {!error && !items && <Text>加载中…</Text>}
        {items && items.length === 0 && <Text className='ops__muted ops-payouts-empty'>没有符合条件的提现</Text>}
        {items?.map((p) => (
          <View key={p.id} className='ops__row ops-payout-item' data-id={p.id} data-status={p.status} onClick={() => onOpen(p.id)}>
            <Text className='ops__cell ops__muted'>{p.outBillNo}</Text>
            <Text className='ops__cell'>{p.listener.alias}</Text>
            <Text className='ops__cell'>{formatFen(p.amountFen)}</Text>
            <Text className='ops__cell'>{statusLabel(p.status)}</Text>
            <Text className='ops__cell ops__muted'>{when(p.createdAt)}</Text>
          </View>
        ))}
        {cursor && <Text className='ops__btn ops__btn--plain ops-payouts-more' onClick={() => void load(true)}>加载更多</Text>}
      </View>
    </View>
  )
}

function PayoutDetail({ id, onBack }: { id: string; onBack: () => void }) {
  const [p, setP] = useState<api.OpsPayoutDetail | null>(null)
  const [error, setError] = useState<string | null>(null)
  useEffect(() => {
    api.fetchPayout(id).then(setP, (err) => setError(errorMessage(err)))
  }, [id])

  if (error) return <View><Text className='ops__error'>{error}</Text><Text className='ops__btn ops__btn--plain' onClick={onBack}>返回</Text></View>
  if (!p) return <Text>加载中…</Text>
  return (
    <View className='ops-payout-detail' data-status={p.status}>
      <Text className='ops__btn ops__btn--plain ops-back' onClick={onBack}>← 返回提现列表</Text>
      <Text className='ops__title'>提现 {formatFen(p.amountFen)} · <Text className='ops-payout-status'>{statusLabel(p.status)}</Text></Text>
      <View className='ops__panel'>
        <Text className='ops__field'><Text className='ops__label'>提现编号</Text>{p.id}</Text>
        <Text className='ops__field'><Text className='ops__label'>倾听者</Text>{p.listener.alias}（{p.listener.id}）</Text>
        <Text className='ops__field'><Text className='ops__label'>商户单号</Text>{p.outBillNo}</Text>
        <Text className='ops__field'><Text className='ops__label'>微信转账单号</Text>{p.transferBillNo ?? '—'}</Text>
        {p.failReason && <Text className='ops__field'><Text className='ops__label'>失败原因</Text>{p.failReason}</Text>}
        <Text className='ops__field'><Text className='ops__label'>时间</Text>申请 {when(p.createdAt)} · 更新 {when(p.updatedAt)}{p.finishedAt ? ` · 完成 ${when(p.finishedAt)}` : ''}</Text>
      </View>
      <View className='ops__panel ops-payout-ledger'>
        <Text className='ops__title'>账本分录</Text>
        {p.ledger.length === 0 && <Text className='ops__muted'>无分录</Text>}
        {p.ledger.map((r, i) => (
          <View key={i} className='ops__row ops-payout-ledger-line'>
            {recordCells(r).map((c) => <Text key={c.key} className='ops__cell'><Text className='ops__label'>{c.key}</Text>{c.text}</Text>)}
          </View>
        ))}
      </View>
    </View>
  )
}
