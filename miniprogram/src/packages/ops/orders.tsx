import { useEffect, useState } from 'react'
import { Input, Text, View } from '@tarojs/components'
import { formatFen, topicLabel, type Topic } from '@qingting/shared'
import { errorMessage } from '../../services/api'
import { ORDER_STATUS_LABELS, orderStatusLabel, parseYuanToFen, orderSummary } from '../../utils/orders'
import * as ops from './ops-api'
import { recordCells, when } from './order-format'
import { usePagedList } from './use-paged-list'
import { useSubmit } from '../../components/use-submit'

const FINANCE_ROLES = ['FINANCE', 'ADMIN']

/** 订单: search by keyword (order id, out_trade_no, alias) and status, open one. */
export function OrdersSection({ roles }: { roles: string[] }) {
  const [openId, setOpenId] = useState<string | null>(null)
  if (openId) return <OrderDetail id={openId} roles={roles} onBack={() => setOpenId(null)} />
  return <OrderSearch onOpen={setOpenId} />
}

function OrderSearch({ onOpen }: { onOpen: (id: string) => void }) {
  const [q, setQ] = useState('')
  const [status, setStatus] = useState<string | undefined>(undefined)
  const { items, cursor, error, load } = usePagedList((cursor) => ops.fetchOrders({ q: q.trim() || undefined, status, cursor }), [status])

  return (
    <View>
      <Text className='ops__title'>订单</Text>
      <View className='ops__panel'>
        <Input className='ops__input ops-orders-q' value={q} placeholder='订单号 / 商户订单号 / 用户昵称' onInput={(e) => setQ(e.detail.value)} onConfirm={() => void load()} />
        <Text className='ops__btn ops-orders-search' onClick={() => void load()}>查询</Text>
        <LedgerCheckButton />
      </View>
      <View className='ops__filters'>
        {[undefined, ...Object.keys(ORDER_STATUS_LABELS)].map((s) => (
          <Text key={s ?? 'ALL'} className={`ops__btn ${status === s ? '' : 'ops__btn--plain'} ops-orders-filter`} data-status={s ?? 'ALL'} onClick={() => setStatus(s)}>
            {s ? orderStatusLabel(s) : '全部'}
          </Text>
        ))}
      </View>
      <View className='ops__panel'>
        {error && <View><Text className='ops__error'>{error}</Text><Text className='ops__btn' onClick={() => void load()}>重试</Text></View>}
        {!error && !items && <Text>加载中…</Text>}
        {items && items.length === 0 && <Text className='ops__muted ops-orders-empty'>没有符合条件的订单</Text>}
        {items?.map((o) => (
          <View key={o.id} className='ops__row ops-order-item' data-id={o.id} data-status={o.status} onClick={() => onOpen(o.id)}>
            <Text className='ops__cell ops__muted'>{o.outTradeNo ?? o.id.slice(0, 8)}</Text>
            <Text className='ops__cell'>{o.talker.alias} → {o.listener.alias}</Text>
            <Text className='ops__cell'>{orderSummary(o)}</Text>
            <Text className='ops__cell'>{formatFen(o.totalFen)}{o.refundedFen > 0 ? `（退 ${formatFen(o.refundedFen)}）` : ''}</Text>
            <Text className='ops__cell'>{orderStatusLabel(o.status)}</Text>
            <Text className='ops__cell ops__muted'>{when(o.createdAt)}</Text>
          </View>
        ))}
        {cursor && <Text className='ops__btn ops__btn--plain ops-orders-more' onClick={() => void load(true)}>加载更多</Text>}
      </View>
    </View>
  )
}

function LedgerCheckButton() {
  const [result, setResult] = useState<ops.LedgerCheck | null>(null)
  const { busy, message: error, run } = useSubmit()
  const check = () =>
    run(async () => {
      setResult(null)
      setResult(await ops.checkLedger())
    })
  const { ok, ...rest } = result ?? { ok: false }
  return (
    <View className='ops-ledger-check'>
      <Text className='ops__btn ops__btn--plain ops-ledger-check-run' onClick={() => void check()}>{busy ? '核对中…' : '账本核对'}</Text>
      {error && <Text className='ops__error'>{error}</Text>}
      {result && (
        <View className='ops-ledger-check-result' data-ok={String(ok)}>
          <Text className={ok ? 'ops__tag' : 'ops__error'}>{ok ? '账本平衡：每笔交易借贷相等，订单合计一致' : '账本核对未通过'}</Text>
          {Object.keys(rest).length > 0 && <Text className='ops__field ops__muted'>{JSON.stringify(rest, null, 2)}</Text>}
        </View>
      )}
    </View>
  )
}

function OrderDetail({ id, roles, onBack }: { id: string; roles: string[]; onBack: () => void }) {
  const [o, setO] = useState<ops.OpsOrderDetail | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [amount, setAmount] = useState('')
  const [reason, setReason] = useState('')
  const { busy, message: notice, setMessage: setNotice, run } = useSubmit()

  const load = () => ops.fetchOrder(id).then((d) => { setO(d); setError(null) }, (err) => setError(errorMessage(err)))
  useEffect(() => void load(), [id])

  if (error && !o) return <View><Text className='ops__error'>{error}</Text><Text className='ops__btn ops__btn--plain' onClick={onBack}>返回</Text></View>
  if (!o) return <Text>加载中…</Text>

  const refundable = o.totalFen - o.refundedFen
  const canRefund = roles.some((r) => FINANCE_ROLES.includes(r)) && o.paidAt !== null && refundable > 0

  async function refund() {
    if (busy || !o) return
    const fen = parseYuanToFen(amount)
    if (fen === null) return setNotice('请输入退款金额（元），如 30 或 12.5')
    if (fen > refundable) return setNotice(`退款金额不能超过可退金额 ${formatFen(refundable)}`)
    if (reason.trim().length < 2) return setNotice('请填写退款原因（至少 2 个字）')
    await run(async () => {
      await ops.refundOrder(o.id, fen, reason.trim())
      setNotice(`已提交退款 ${formatFen(fen)}`)
      setAmount('')
      setReason('')
      await load()
    })
  }

  return (
    <View className='ops-order-detail' data-status={o.status}>
      <Text className='ops__btn ops__btn--plain ops-back' onClick={onBack}>← 返回订单列表</Text>
      <Text className='ops__title'>订单 {o.outTradeNo ?? o.id} · <Text className='ops-order-status'>{orderStatusLabel(o.status)}</Text></Text>
      <View className='ops__panel'>
        <Text className='ops__field'><Text className='ops__label'>订单编号</Text>{o.id}</Text>
        <Text className='ops__field'><Text className='ops__label'>倾诉者 → 倾听者</Text>{o.talker.alias} → {o.listener.alias}（{o.listener.id}）</Text>
        <Text className='ops__field'><Text className='ops__label'>服务</Text>{orderSummary(o)} · {o.units} 单位{o.topic ? ` · ${topicLabel(o.topic as Topic)}` : ''}</Text>
        <Text className='ops__field'><Text className='ops__label'>金额</Text>单价 {formatFen(o.unitPriceFen)} · 小计 {formatFen(o.subtotalFen)} · 积分抵扣 {formatFen(o.pointsDiscountFen)} · 实付 {formatFen(o.totalFen)} · 已退 {formatFen(o.refundedFen)}</Text>
        <Text className='ops__field'><Text className='ops__label'>时间</Text>下单 {when(o.createdAt)} · 支付期限 {when(o.payBy)}{o.paidAt ? ` · 支付 ${when(o.paidAt)}` : ''}{o.acceptBy ? ` · 接单期限 ${when(o.acceptBy)}` : ''}{o.acceptedAt ? ` · 接单 ${when(o.acceptedAt)}` : ''}</Text>
      </View>

      <View className='ops__panel ops-order-transitions'>
        <Text className='ops__title'>状态流转</Text>
        {(o.transitions ?? []).length === 0 && <Text className='ops__muted'>无记录</Text>}
        {(o.transitions ?? []).map((t, i) => (
          <View key={i} className='ops__row ops-order-transition' data-to={t.to}>
            <Text className='ops__cell ops__muted'>{when(t.at)}</Text>
            <Text className='ops__cell'>{t.from ? orderStatusLabel(t.from) : '—'} → {orderStatusLabel(t.to)}</Text>
            <Text className='ops__cell'>{t.reason ?? ''}</Text>
          </View>
        ))}
      </View>

      <View className='ops__panel ops-order-refunds'>
        <Text className='ops__title'>退款</Text>
        {o.refunds.length === 0 && <Text className='ops__muted'>无退款</Text>}
        {o.refunds.map((r, i) => (
          <View key={i} className='ops__row ops-order-refund'>
            {recordCells(r).map((c) => <Text key={c.key} className='ops__cell'><Text className='ops__label'>{c.key}</Text>{c.text}</Text>)}
          </View>
        ))}
      </View>

      <View className='ops__panel ops-order-ledger'>
        <Text className='ops__title'>账本分录</Text>
        {o.ledger.length === 0 && <Text className='ops__muted'>无分录</Text>}
        {o.ledger.map((r, i) => (
          <View key={i} className='ops__row ops-order-ledger-line'>
            {recordCells(r).map((c) => <Text key={c.key} className='ops__cell'><Text className='ops__label'>{c.key}</Text>{c.text}</Text>)}
          </View>
        ))}
      </View>

      {canRefund && (
        <View className='ops__panel ops-refund-form'>
          <Text className='ops__title'>人工退款（财务）</Text>
          <Text className='ops__muted'>可退金额 {formatFen(refundable)}；退款将原路退回，并记录审计</Text>
          <Input className='ops__input ops-refund-amount' type='digit' value={amount} placeholder='退款金额（元）' onInput={(e) => setAmount(e.detail.value)} />
          <Input className='ops__input ops-refund-reason' value={reason} placeholder='退款原因（将记录在订单中）' onInput={(e) => setReason(e.detail.value)} />
          <Text className='ops__btn ops__btn--danger ops-refund-submit' onClick={() => void refund()}>{busy ? '提交中…' : '确认退款'}</Text>
        </View>
      )}
      {notice && <Text className='ops__error ops-notice'>{notice}</Text>}
    </View>
  )
}
