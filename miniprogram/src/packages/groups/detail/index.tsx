import { Image, Text, View } from '@tarojs/components'
import Taro, { useDidShow, useRouter } from '@tarojs/taro'
import { useRef, useState } from 'react'
import { topicLabel } from '@qingting/shared'
import { assetUrl, errorMessage } from '../../../services/api'
import { fetchGroup, joinGroup, leaveGroup, renewGroup, type GroupView, type TermDays } from '../../../services/groups'
import { fetchMe } from '../../../services/me'
import { useSubmit } from '../../../components/use-submit'
import { openGroupRoom, payGroupOrder, settlePayReturn } from '../checkout'
import {
  dateTimeLabel,
  GROUP_STATUS_LABELS,
  joinBlocker,
  leaveConfirmText,
  memberState,
  mutedLabel,
  refundable,
  refundWindowText,
  renewedEnd,
  seatsLabel,
  termOptions,
} from '../format'
import '../groups.scss'

type Load = { status: 'loading' } | { status: 'error'; message: string } | { status: 'ready'; group: GroupView; meId: string }

/**
 * 群组详情 (`packages/groups/detail/index?id=`): what the group is, seats, the terms with their
 * prices; join (pick a term, pay) or, as a member, enter the chat, renew, leave (the 72-hour
 * refund rule stated before confirming); the owner goes to the chat and the management page.
 * Back from the H5 cashier (`orderId` and `result`) the payment is confirmed with the server.
 */
export default function GroupDetail() {
  const { params } = useRouter()
  const id = params.id ? decodeURIComponent(params.id) : ''
  const [load, setLoad] = useState<Load>({ status: 'loading' })
  const [term, setTerm] = useState<TermDays | null>(null)
  const { busy, message: notice, setMessage: setNotice, run } = useSubmit()
  const [confirmLeave, setConfirmLeave] = useState(false)
  const [now, setNow] = useState(() => Date.now())
  const payReturn = useRef(true)
  const me = useRef<string | null>(null)

  async function reload() {
    try {
      const [group, meId] = await Promise.all([fetchGroup(id), me.current ?? fetchMe().then((m) => m.id)])
      me.current = meId
      setLoad({ status: 'ready', group, meId })
      setNow(Date.now())
      setTerm((t) => t ?? termOptions(group)[0]?.termDays ?? null)
    } catch (err) {
      setLoad({ status: 'error', message: errorMessage(err) })
    }
  }

  useDidShow(() => {
    if (!id) return
    if (payReturn.current) {
      payReturn.current = false
      void settlePayReturn(params as Record<string, string | undefined>).then((text) => {
        if (text) setNotice(text)
        return reload()
      })
      return
    }
    void reload()
  })

  if (!id) return <View className='groups-state'>找不到这个群组</View>
  if (load.status === 'loading') return <View className='groups-state'>{notice ?? '加载中…'}</View>
  if (load.status === 'error') return <View className='groups-state groups-state--error' onClick={() => void reload()}>{load.message}，点击重试</View>

  const g = load.group
  const state = memberState(g, load.meId, now)
  const options = termOptions(g)
  const chosen = options.find((o) => o.termDays === term) ?? options[0] ?? null
  const blocker = state === 'none' || state === 'reserved' ? joinBlocker(g) : null
  const m = g.myMembership

  /** Join or renew (the server prices the term and holds a seat), or pay a held seat's order again. */
  async function checkout(kind: 'join' | 'renew' | 'resume') {
    if (busy || (!chosen && kind !== 'resume')) return
    const ok = await run(async () => {
      const orderId = kind === 'resume' ? m!.orderId : (await (kind === 'join' ? joinGroup : renewGroup)(g.id, chosen!.termDays)).order.id
      const outcome = await payGroupOrder(g.id, orderId)
      if (outcome === 'redirected') return
      setNotice(outcome === 'paid' ? (kind === 'join' ? '加入成功' : '续费成功') : '已取消支付，名额将在支付期限后释放')
      await reload()
    })
    if (!ok) void reload()
  }

  const leave = () =>
    run(async () => {
      const refund = refundable(m, Date.now())
      await leaveGroup(g.id, refund)
      setConfirmLeave(false)
      setNotice(refund ? '已退出群组，费用将原路全额退回' : '已退出群组')
      await reload()
    })

  const termPicker = (
    <View className='group-terms'>
      {options.map((o) => (
        <View key={o.termDays} className={`group-term group-term-option${chosen?.termDays === o.termDays ? ' group-term--on' : ''}`} data-term={o.termDays} onClick={() => setTerm(o.termDays)}>
          <View>
            <Text className='group-term__label'>{o.label}</Text>
            <Text className='groups-muted'>{o.perDay}</Text>
          </View>
          <Text className='group-term__price'>{o.price}</Text>
        </View>
      ))}
    </View>
  )

  return (
    <View className='groups-page group-detail' data-id={g.id} data-status={g.status} data-member={state}>
      <View className='group-head'>
        <Text className='group-head__name group-name'>{g.name}<Text className='group-badge group-status'>{GROUP_STATUS_LABELS[g.status] ?? g.status}</Text></Text>
        <View className='group-head__owner'>
          <Image className='group-head__avatar' src={assetUrl(g.owner.avatar)} mode='aspectFill' />
          <Text className='groups-muted'>群主 {g.owner.alias} · {topicLabel(g.topic)}</Text>
        </View>
        <Text className='groups-muted group-seats'>{seatsLabel(g)}</Text>
        <Text className='group-head__intro'>{g.intro}</Text>
      </View>
      {notice && <Text className='groups-notice group-notice' onClick={() => setNotice(null)}>{notice}</Text>}
      {g.announcement && (state === 'active' || state === 'owner') && <Text className='group-announcement'>置顶公告：{g.announcement}</Text>}
      {state === 'owner' && g.status === 'REJECTED' && g.reviewNote && <Text className='groups-notice'>审核意见：{g.reviewNote}</Text>}

      {(state === 'none' || state === 'reserved') && (
        <View className='group-panel group-join'>
          <Text className='groups-section'>选择期限</Text>
          {termPicker}
          {state === 'reserved' && m && (
            <View>
              <Text className='groups-muted'>已为你保留名额{m.reservedUntil ? `至 ${dateTimeLabel(m.reservedUntil)}` : ''}，请尽快完成支付。</Text>
              <Text className={`groups-btn groups-btn--block group-join-resume${busy ? ' groups-btn--off' : ''}`} onClick={() => void checkout('resume')}>继续支付</Text>
            </View>
          )}
          <Text className='groups-muted group-refund-rule'>{refundWindowText(null, now)}</Text>
          {state === 'reserved' ? null : blocker ? (
            <Text className='groups-btn groups-btn--block groups-btn--off group-join-blocked'>{blocker}</Text>
          ) : (
            <Text className={`groups-btn groups-btn--block group-join-pay${busy ? ' groups-btn--off' : ''}`} onClick={() => void checkout('join')}>
              {busy ? '处理中…' : `支付 ${chosen?.price ?? ''} 加入`}
            </Text>
          )}
        </View>
      )}

      {state === 'active' && m && (
        <View className='group-panel group-membership'>
          <Text className='group-label'>会员有效期至 <Text className='group-ends-at'>{dateTimeLabel(m.endsAt)}</Text></Text>
          {mutedLabel(m.mutedUntil, now) && <Text className='groups-muted'>{mutedLabel(m.mutedUntil, now)}</Text>}
          <Text className='groups-btn groups-btn--block group-enter' onClick={() => void openGroupRoom(g.id)}>进入群聊</Text>
          <Text className='groups-section'>续费</Text>
          {g.status === 'OPEN' ? (
            <View>
              {termPicker}
              {chosen && <Text className='groups-muted'>续费后有效期至 {dateTimeLabel(renewedEnd(m.endsAt, chosen.termDays, now))}</Text>}
              <Text className={`groups-btn groups-btn--block groups-btn--plain group-renew${busy ? ' groups-btn--off' : ''}`} onClick={() => void checkout('renew')}>
                {busy ? '处理中…' : `支付 ${chosen?.price ?? ''} 续费`}
              </Text>
            </View>
          ) : (
            <Text className='groups-muted'>群组已关闭，不能续费；到期前你仍可正常使用群聊。</Text>
          )}
          <Text className='groups-muted group-refund-window'>{refundWindowText(m, now)}</Text>
          <Text className='groups-btn groups-btn--block groups-btn--plain group-leave-open' onClick={() => setConfirmLeave(true)}>退出群组</Text>
          {confirmLeave && (
            <View className='group-panel group-leave-confirm'>
              <Text className='group-label'>{leaveConfirmText(m, now)}</Text>
              <View className='group-actions'>
                <Text className='groups-btn groups-btn--plain' onClick={() => setConfirmLeave(false)}>再想想</Text>
                <Text className={`groups-btn groups-btn--danger group-leave-confirm-btn${busy ? ' groups-btn--off' : ''}`} onClick={() => void leave()}>确定退出</Text>
              </View>
            </View>
          )}
        </View>
      )}

      {state === 'owner' && (
        <View className='group-actions'>
          {g.status !== 'PENDING_REVIEW' && g.status !== 'REJECTED' && <Text className='groups-btn group-enter' onClick={() => void openGroupRoom(g.id)}>进入群聊</Text>}
          <Text className='groups-btn groups-btn--plain group-manage' onClick={() => void Taro.navigateTo({ url: `/packages/groups/manage/index?id=${encodeURIComponent(g.id)}` })}>管理群组</Text>
          {g.status === 'PENDING_REVIEW' && <Text className='groups-muted'>群组正在审核，通过后会出现在群组列表中。</Text>}
        </View>
      )}
    </View>
  )
}
