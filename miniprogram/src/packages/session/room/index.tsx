import { Image, Text, View } from '@tarojs/components'
import Taro, { useRouter } from '@tarojs/taro'
import { useState } from 'react'
import { retentionNotice } from '@qingting/shared'
import { assetUrl, errorMessage } from '../../../services/api'
import { endSession } from '../../../services/sessions'
import { CRISIS_REPORT_REASON, chatLines, END_REASON_LABELS, reminderDue, REMINDER_MINUTES, sessionPhase, summaryLines } from '../format'
import { CareCard, ListenerGuidance } from './CareCard'
import { Countdown } from './Countdown'
import { DisputeSheet } from './DisputeSheet'
import { ExtendSheet } from './ExtendSheet'
import { GiftSheet } from './GiftSheet'
import { InputBar } from './InputBar'
import { MessageList } from './MessageList'
import { ReportSheet } from './ReportSheet'
import { Sheet } from './Sheet'
import { VoicePanel } from './VoicePanel'
import { useRoom } from './useRoom'
import '../session.scss'

/** Retention window the notice states (CHAT_RETENTION_HOURS on the server, 72 by default). */
const RETENTION_HOURS = 72

type OpenSheet = { kind: 'extend' } | { kind: 'gift' } | { kind: 'report'; reason?: string } | { kind: 'dispute' } | { kind: 'end' } | { kind: 'care' }

/**
 * 倾诉室 (subpackage `packages/session`, `?id=<session>` or `?orderId=<order>`): the timed chat for
 * both roles. Waiting until both are in, the countdown on the server's clock, the T−5 reminder
 * with 续时, ending early, the care card on a crisis hit, report; after the end the summary with
 * review, gift and dispute.
 */
export default function Room() {
  const { params } = useRouter()
  const room = useRoom(params as Record<string, string | undefined>)
  const [sheet, setSheet] = useState<OpenSheet | null>(null)
  const [ending, setEnding] = useState(false)
  const s = room.session

  if (room.load.status === 'loading') return <View className='room__state'>进入倾诉室…</View>
  if (room.load.status === 'error' || !s) return <View className='room__state room__state--error'>{room.load.status === 'error' ? room.load.message : '找不到这个会话'}</View>

  const phase = sessionPhase(s)
  const talker = s.myRole === 'talker'
  const lines = chatLines(room.messages, room.pending, room.peerReadSeq)
  const remindNow = phase === 'active' && (room.reminded || reminderDue(s, room.serverNow)) && (room.countdown?.ms ?? 0) > 0
  const careOpen = room.care !== null || sheet?.kind === 'care'
  const closeCare = () => {
    room.setCare(null)
    if (sheet?.kind === 'care') setSheet(null)
  }

  async function confirmEnd() {
    if (ending || !s) return
    setEnding(true)
    try {
      room.apply(await endSession(s.id))
      void room.reloadOrder(s.orderId)
      setSheet(null)
    } catch (err) {
      room.setNotice(errorMessage(err))
      setSheet(null)
      void room.reload()
    } finally {
      setEnding(false)
    }
  }

  return (
    <View className='room' data-status={s.status} data-role={s.myRole} data-session={s.id}>
      <View className='room-head'>
        <Image className='room-head__avatar' src={assetUrl(s.peer.avatarUrl)} mode='aspectFill' />
        <View className='room-head__who'>
          <Text className='room-head__alias room-peer-alias'>{s.peer.alias}</Text>
          <Text className='room-muted'>{talker ? '倾听者' : '倾诉者'} · {s.serviceType === 'VOICE' ? '语音倾诉' : '文字倾诉'}</Text>
        </View>
        {room.countdown && <Countdown label={room.countdown.label} ms={room.countdown.ms} />}
      </View>
      <View className='room-tools'>
        {room.online !== 'online' && phase !== 'ended' && phase !== 'cancelled' && (
          <Text className='room-link room-link--warn room-connection'>{room.online === 'offline' ? '网络已断开，正在重连…' : '连接中…'}</Text>
        )}
        {talker && <Text className='room-link room-care-open' onClick={() => setSheet({ kind: 'care' })}>求助热线</Text>}
        {s.startedAt && <Text className='room-link room-report-open' onClick={() => setSheet({ kind: 'report' })}>举报</Text>}
        {phase === 'active' && <Text className='room-link room-link--danger room-end' onClick={() => setSheet({ kind: 'end' })}>结束会话</Text>}
      </View>
      <Text className='room-retention'>{retentionNotice(RETENTION_HOURS)}</Text>

      {room.notice && <Text className='room-notice' onClick={() => room.setNotice(null)}>{room.notice}</Text>}
      {phase === 'waiting' && (
        <View className='room-waiting'>
          <Text className='room-waiting__title'>等待对方进入…</Text>
          <Text className='room-muted'>双方都进入后开始计时；{talker ? `若倾听者迟迟未进入，将为你全额退款` : '请尽快开始，倾诉者正在等你'}</Text>
        </View>
      )}
      {remindNow && (
        <View className='room-reminder'>
          <Text className='room-reminder__text'>本次会话还剩不到 {REMINDER_MINUTES} 分钟{talker ? '' : '，倾诉者可以续时'}</Text>
          {talker && <Text className='room-btn room-btn--small room-extend' onClick={() => setSheet({ kind: 'extend' })}>续时</Text>}
        </View>
      )}
      {phase === 'active' && s.extensionPending && <Text className='room-notice room-grace'>续时支付确认中，会话时间已为你保留</Text>}
      {s.serviceType === 'VOICE' && (phase === 'waiting' || phase === 'active') && <VoicePanel sessionId={s.id} active={phase === 'active'} />}

      <MessageList lines={lines} peerTyping={room.peerTyping && phase === 'active'} peerAlias={s.peer.alias} />

      {(phase === 'waiting' || phase === 'active') && (
        <InputBar disabled={phase !== 'active'} placeholder={phase === 'active' ? '说点什么…' : '会话开始后可以发送消息'} onSend={room.send} onTyping={room.typing} />
      )}

      {(phase === 'ended' || phase === 'cancelled') && (
        <View className='room-ended'>
          <Text className='room-ended__title'>{s.endReason ? END_REASON_LABELS[s.endReason] : phase === 'cancelled' ? '会话已取消' : '会话已结束'}</Text>
          <View className='room-summary'>
            {summaryLines(s, room.order).map((l) => (
              <View key={l.key} className={`room-summary__line room-summary-${l.key}`}>
                <Text>{l.label}</Text>
                <Text>{l.value}</Text>
              </View>
            ))}
          </View>
          {talker && phase === 'ended' && (
            <View className='room-ended__actions'>
              {s.reviewed ? (
                <Text className='room-btn room-btn--off room-reviewed'>已评价</Text>
              ) : (
                <Text className='room-btn room-review' onClick={() => void Taro.navigateTo({ url: `/packages/session/review/index?id=${encodeURIComponent(s.id)}` })}>评价本次倾诉</Text>
              )}
              <Text className='room-btn room-btn--plain room-gift' onClick={() => setSheet({ kind: 'gift' })}>送礼物</Text>
              {s.disputable && <Text className='room-btn room-btn--plain room-dispute' onClick={() => setSheet({ kind: 'dispute' })}>申诉</Text>}
            </View>
          )}
          {!talker && <Text className='room-muted'>感谢你的倾听。收入将在争议期结束后可提现。</Text>}
        </View>
      )}

      {sheet?.kind === 'end' && (
        <Sheet title='结束会话' className='end-sheet' onClose={() => setSheet(null)}>
          <Text className='room-muted'>
            {talker ? '确定提前结束吗？将按实际时长计费（不足 15 分钟按 15 分钟计），其余费用原路退回。' : '确定提前结束吗？未服务的时长将全额退还给倾诉者。'}
          </Text>
          <View className='room-sheet__actions'>
            <Text className='room-btn room-btn--plain' onClick={() => setSheet(null)}>再聊一会</Text>
            <Text className={`room-btn room-btn--danger end-confirm${ending ? ' room-btn--off' : ''}`} onClick={() => void confirmEnd()}>{ending ? '正在结束…' : '结束会话'}</Text>
          </View>
        </Sheet>
      )}
      {sheet?.kind === 'extend' && <ExtendSheet sessionId={s.id} unitPriceFen={room.order?.unitPriceFen ?? null} onClose={() => setSheet(null)} onNotice={room.setNotice} />}
      {sheet?.kind === 'gift' && <GiftSheet sessionId={s.id} peerAlias={s.peer.alias} onClose={() => setSheet(null)} onNotice={room.setNotice} />}
      {sheet?.kind === 'report' && (
        <ReportSheet sessionId={s.id} initialReason={sheet.reason} onClose={() => setSheet(null)} onDone={() => { setSheet(null); room.setNotice('举报已提交，平台会尽快处理') }} />
      )}
      {sheet?.kind === 'dispute' && (
        <DisputeSheet sessionId={s.id} onClose={() => setSheet(null)} onDone={() => { setSheet(null); room.setNotice('申诉已提交，平台处理后会通知你'); void room.reload() }} />
      )}
      {careOpen && talker && <CareCard onClose={closeCare} />}
      {careOpen && !talker && (
        <ListenerGuidance onClose={closeCare} onReport={() => { room.setCare(null); setSheet({ kind: 'report', reason: CRISIS_REPORT_REASON }) }} />
      )}
    </View>
  )
}
