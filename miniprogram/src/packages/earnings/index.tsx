import { useState } from 'react'
import { Input, Text, View } from '@tarojs/components'
import { useDidShow } from '@tarojs/taro'
import { formatFen } from '@qingting/shared'
import { ApiError, errorMessage } from '../../services/api'
import {
  fetchEarningHistory,
  fetchEarnings,
  fetchPayouts,
  openPayout,
  PAYOUT_STATUS_LABELS,
  requestPayout,
  type EarningMovement,
  type EarningsSummary,
  type Payout,
} from '../../services/earnings'
import { useSubmit } from '../../components/use-submit'
import { confirmTransfer } from '../../platform/transfer'
import { appendUnique, parseYuanToFen, shortTime } from '../../utils/orders'
import { allInput, describeMovement, payoutNotice, signedFen, withdrawProblem } from './earnings-format'
import './index.scss'

type Load = { status: 'loading' } | { status: 'error'; code: string; message: string } | { status: 'ready'; summary: EarningsSummary; open: Payout | null }

/**
 * 我的收益 (listeners): what is held in the dispute window, what may be withdrawn, a withdrawal
 * in flight and its confirmation (WeChat's confirm-receipt page), and every movement.
 */
export default function EarningsPage() {
  const [load, setLoad] = useState<Load>({ status: 'loading' })
  const [history, setHistory] = useState<EarningMovement[]>([])
  const [cursor, setCursor] = useState<string | null>(null)
  const [amount, setAmount] = useState('')
  const { busy, message: notice, setMessage: setNotice, run: submit } = useSubmit()

  /** Loads everything again; returns the recent payouts. */
  async function reload(): Promise<Payout[]> {
    try {
      const [summary, payouts, page] = await Promise.all([fetchEarnings(), fetchPayouts(), fetchEarningHistory()])
      setLoad({ status: 'ready', summary, open: openPayout(payouts.items) })
      setHistory(page.items)
      setCursor(page.nextCursor)
      return payouts.items
    } catch (err) {
      setLoad({ status: 'error', code: err instanceof ApiError ? err.code : 'client/error', message: errorMessage(err) })
      return []
    }
  }
  useDidShow(() => void reload())

  async function more() {
    if (!cursor) return
    try {
      const page = await fetchEarningHistory(cursor)
      setHistory((h) => appendUnique(h, page.items))
      setCursor(page.nextCursor)
    } catch (err) {
      setNotice(errorMessage(err))
    }
  }

  /**
   * The listener confirms the transfer (WeChat's page); the result is read back from the server,
   * which the confirmation asked to sync.
   */
  async function confirm(payout: Payout) {
    const outcome = await confirmTransfer(payout)
    const payouts = await reload()
    if (outcome === 'cancelled') setNotice('你还没有确认收款，可稍后在本页继续确认；24 小时内未确认将自动退回')
    else setNotice(payoutNotice(payouts.find((p) => p.id === payout.id)?.status))
  }

  /** Runs one action at a time, reporting its failure; after a failure the page is read again. */
  async function run(action: () => Promise<void>) {
    if (!busy && !(await submit(action))) await reload()
  }

  function withdraw() {
    if (load.status !== 'ready') return
    const problem = withdrawProblem(amount, load.summary)
    if (problem) return setNotice(problem)
    void run(async () => {
      const payout = await requestPayout(parseYuanToFen(amount)!)
      setAmount('')
      if (payout.confirm) await confirm(payout)
      else {
        await reload()
        setNotice('提现申请已提交，正在处理')
      }
    })
  }

  if (load.status === 'loading') return <View className='earnings__state'>加载中…</View>
  if (load.status === 'error') {
    const text = load.code === 'auth/forbidden' ? '通过倾听者审核后才能查看收益' : `${load.message}，点击重试`
    return <View className='earnings__state earnings__state--error' onClick={() => void reload()}>{text}</View>
  }
  const { summary: s, open } = load
  return (
    <View className='earnings'>
      {notice && <View className='earnings-notice' onClick={() => setNotice(null)}>{notice}</View>}

      <View className='earnings-card'>
        <Text className='earnings-card__label'>可提现</Text>
        <Text className='earnings-withdrawable' data-fen={String(s.withdrawableFen)}>{formatFen(s.withdrawableFen)}</Text>
        <View className='earnings-card__row'>
          <View className='earnings-card__cell'>
            <Text className='earnings-card__label'>待结算</Text>
            <Text className='earnings-held' data-fen={String(s.heldFen)}>{formatFen(s.heldFen)}</Text>
          </View>
          <View className='earnings-card__cell'>
            <Text className='earnings-card__label'>提现中</Text>
            <Text className='earnings-pending' data-fen={String(s.pendingPayoutFen)}>{formatFen(s.pendingPayoutFen)}</Text>
          </View>
          <View className='earnings-card__cell'>
            <Text className='earnings-card__label'>累计收益</Text>
            <Text className='earnings-lifetime'>{formatFen(s.lifetimeFen)}</Text>
          </View>
        </View>
      </View>

      {open ? (
        <View className='earnings-section earnings-payout' data-status={open.status}>
          <Text className='earnings-section__title'>提现 {formatFen(open.amountFen)} · {PAYOUT_STATUS_LABELS[open.status]}</Text>
          {open.confirm ? (
            <>
              <Text className='earnings-muted'>请确认收款，确认后转入你的微信零钱；24 小时内未确认将自动退回可提现余额</Text>
              <View className={`earnings-button earnings-confirm${busy ? ' earnings-button--disabled' : ''}`} onClick={() => void run(() => confirm(open))}>确认收款</View>
            </>
          ) : (
            <Text className='earnings-muted'>微信支付正在处理，稍后刷新查看结果</Text>
          )}
        </View>
      ) : (
        <View className='earnings-section earnings-form'>
          <Text className='earnings-section__title'>提现到微信零钱</Text>
          <View className='earnings-form__row'>
            <Text>¥</Text>
            <Input className='earnings-amount-input' type='digit' value={amount} placeholder={`至少 ${(s.payoutMinFen / 100).toFixed(2)} 元`} onInput={(e) => setAmount(e.detail.value)} />
            <Text className='earnings-all' onClick={() => setAmount(allInput(s))}>全部</Text>
          </View>
          <View className={`earnings-button earnings-withdraw${busy ? ' earnings-button--disabled' : ''}`} onClick={withdraw}>{busy ? '提交中…' : '提现'}</View>
          <Text className='earnings-muted'>
            收益在会话结束后的争议期内待结算，之后转为可提现；每次至少 {formatFen(s.payoutMinFen)}，每日最多 {formatFen(s.payoutDailyLimitFen)}，同一时间只能有一笔提现
          </Text>
        </View>
      )}

      <View className='earnings-section earnings-history'>
        <Text className='earnings-section__title'>收益记录</Text>
        {history.length === 0 && <Text className='earnings-muted earnings-history-empty'>还没有收益记录</Text>}
        {history.map((m) => {
          const d = describeMovement(m)
          return (
            <View key={m.id} className='earnings-movement' data-kind={m.kind}>
              <View>
                <Text className='earnings-movement__label'>{d.label}</Text>
                <Text className='earnings-muted'>{shortTime(m.at)} · {d.note}</Text>
              </View>
              <Text className={`earnings-movement__amount${d.amountFen < 0 ? ' earnings-movement__amount--out' : ''}`}>{signedFen(d.amountFen)}</Text>
            </View>
          )
        })}
        {cursor && <Text className='earnings-more' onClick={() => void more()}>加载更多</Text>}
      </View>
    </View>
  )
}
