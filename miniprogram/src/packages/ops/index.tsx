import { useEffect, useState } from 'react'
import { Image, Input, Text, View } from '@tarojs/components'
import { topicLabel, type Topic } from '@qingting/shared'
import { errorMessage } from '../../services/api'
import { sessionToken } from '../../services/session'
import { loginAsDemoOperator, OPS_LOGIN_AVAILABLE } from './ops-login'
import * as ops from './ops-api'
import { useSubmit } from '../../components/use-submit'
import { OrdersSection } from './orders'
import { PayoutsSection } from './payouts'
import { FinanceSection, ReconciliationSection } from './finance'
import { CrisisSection, DisputesSection, ReportsSection } from './safety'
import { GroupsSection } from './groups'
import './index.scss'

type View_ = { kind: 'orders' } | { kind: 'payouts' } | { kind: 'reconciliation' } | { kind: 'finance' } | { kind: 'crisis' } | { kind: 'reports' } | { kind: 'disputes' } | { kind: 'groups' } | { kind: 'queue' } | { kind: 'detail'; id: string } | { kind: 'audit'; subjectType?: string; subjectId?: string }

const OPERATOR_ROLES = ['REVIEWER', 'MODERATOR', 'AGENT', 'FINANCE', 'ADMIN']
const STATUS_TEXT: Record<string, string> = { SUBMITTED: '待审核', AWAITING_SECOND_REVIEW: '待复核', CHANGES_REQUESTED: '待修改', APPROVED: '已通过', REJECTED: '已拒绝' }
const GENDER_TEXT: Record<string, string> = { FEMALE: '女', MALE: '男', UNDISCLOSED: '不透露' }
const when = (iso: string) => iso.replace('T', ' ').slice(0, 16)

/** The ops console (H5, desktop): operator login, vetting queue and decisions, orders and refunds, crisis alerts, reports, disputes, audit log. */
export default function OpsConsole() {
  const [me, setMe] = useState<{ alias: string; roles: string[] } | null>(null)
  const [checking, setChecking] = useState(true)
  const [error, setError] = useState<string | null>(null)
  const [view, setView] = useState<View_>({ kind: 'queue' })

  async function loadMe() {
    try {
      if (!sessionToken()) return
      const m = await ops.fetchMe()
      if (m.roles.some((r) => OPERATOR_ROLES.includes(r))) setMe(m)
      else setError('当前账号不是运营人员')
    } catch (err) {
      setError(errorMessage(err))
    } finally {
      setChecking(false)
    }
  }
  useEffect(() => {
    if (sessionToken()) void loadMe()
    else setChecking(false)
  }, [])

  async function onLogin() {
    setError(null)
    try {
      await loginAsDemoOperator()
      setChecking(true)
      await loadMe()
    } catch (err) {
      setError(errorMessage(err))
    }
  }

  if (checking) return <View className='ops'><View className='ops__login'><Text>加载中…</Text></View></View>
  if (!me) {
    return (
      <View className='ops'>
        <View className='ops__login ops__panel'>
          <Text className='ops__title'>倾听 · 运营后台</Text>
          {error && <Text className='ops__error'>{error}</Text>}
          {OPS_LOGIN_AVAILABLE
            ? <View className='ops__btn ops-login' onClick={() => void onLogin()}>以演示运营账号登录</View>
            : <Text>运营后台请在电脑浏览器中打开</Text>}
        </View>
      </View>
    )
  }
  return (
    <View className='ops'>
      <View className='ops__nav'>
        <Text className='ops__brand'>倾听运营</Text>
        <Text className={`ops__nav-item ops-nav-queue${view.kind === 'queue' || view.kind === 'detail' ? ' ops__nav-item--on' : ''}`} onClick={() => setView({ kind: 'queue' })}>入驻审核</Text>
        <Text className={`ops__nav-item ops-nav-orders${view.kind === 'orders' ? ' ops__nav-item--on' : ''}`} onClick={() => setView({ kind: 'orders' })}>订单</Text>
        <Text className={`ops__nav-item ops-nav-payouts${view.kind === 'payouts' ? ' ops__nav-item--on' : ''}`} onClick={() => setView({ kind: 'payouts' })}>提现</Text>
        <Text className={`ops__nav-item ops-nav-reconciliation${view.kind === 'reconciliation' ? ' ops__nav-item--on' : ''}`} onClick={() => setView({ kind: 'reconciliation' })}>对账</Text>
        <Text className={`ops__nav-item ops-nav-finance${view.kind === 'finance' ? ' ops__nav-item--on' : ''}`} onClick={() => setView({ kind: 'finance' })}>经营数据</Text>
        <Text className={`ops__nav-item ops-nav-crisis${view.kind === 'crisis' ? ' ops__nav-item--on' : ''}`} onClick={() => setView({ kind: 'crisis' })}>危机预警</Text>
        <Text className={`ops__nav-item ops-nav-reports${view.kind === 'reports' ? ' ops__nav-item--on' : ''}`} onClick={() => setView({ kind: 'reports' })}>举报</Text>
        <Text className={`ops__nav-item ops-nav-disputes${view.kind === 'disputes' ? ' ops__nav-item--on' : ''}`} onClick={() => setView({ kind: 'disputes' })}>申诉</Text>
        <Text className={`ops__nav-item ops-nav-groups${view.kind === 'groups' ? ' ops__nav-item--on' : ''}`} onClick={() => setView({ kind: 'groups' })}>群组审核</Text>
        <Text className={`ops__nav-item ops-nav-audit${view.kind === 'audit' ? ' ops__nav-item--on' : ''}`} onClick={() => setView({ kind: 'audit' })}>审计日志</Text>
        <Text className='ops__nav-item ops__muted'>{me.alias}（{me.roles.filter((r) => OPERATOR_ROLES.includes(r)).join('/')}）</Text>
      </View>
      <View className='ops__main'>
        {view.kind === 'queue' && <Queue onOpen={(id) => setView({ kind: 'detail', id })} />}
        {view.kind === 'detail' && <Detail id={view.id} onBack={() => setView({ kind: 'queue' })} onAudit={() => setView({ kind: 'audit', subjectType: 'listener_application', subjectId: view.id })} />}
        {view.kind === 'orders' && <OrdersSection roles={me.roles} />}
        {view.kind === 'payouts' && <PayoutsSection />}
        {view.kind === 'reconciliation' && <ReconciliationSection />}
        {view.kind === 'finance' && <FinanceSection />}
        {view.kind === 'crisis' && <CrisisSection />}
        {view.kind === 'reports' && <ReportsSection />}
        {view.kind === 'disputes' && <DisputesSection />}
        {view.kind === 'groups' && <GroupsSection />}
        {view.kind === 'audit' && <Audit subjectType={view.subjectType} subjectId={view.subjectId} />}
      </View>
    </View>
  )
}

function Queue({ onOpen }: { onOpen: (id: string) => void }) {
  const [status, setStatus] = useState<string | undefined>(undefined)
  const [items, setItems] = useState<ops.QueueItem[] | null>(null)
  const [cursor, setCursor] = useState<string | null>(null)
  const [error, setError] = useState<string | null>(null)

  async function load(more = false) {
    try {
      const page = await ops.fetchQueue(status, more ? cursor ?? undefined : undefined)
      setItems(more && items ? [...items, ...page.items] : page.items)
      setCursor(page.nextCursor)
      setError(null)
    } catch (err) {
      setError(errorMessage(err))
    }
  }
  useEffect(() => {
    setItems(null)
    void load()
  }, [status])

  return (
    <View>
      <Text className='ops__title'>入驻审核队列</Text>
      <View className='ops__filters'>
        {[undefined, 'SUBMITTED', 'AWAITING_SECOND_REVIEW', 'CHANGES_REQUESTED', 'APPROVED', 'REJECTED'].map((s) => (
          <Text key={s ?? 'open'} className={`ops__btn ${status === s ? '' : 'ops__btn--plain'} ops-filter`} data-status={s ?? 'OPEN'} onClick={() => setStatus(s)}>{s ? STATUS_TEXT[s] : '待处理'}</Text>
        ))}
      </View>
      <View className='ops__panel'>
        {error && <View><Text className='ops__error'>{error}</Text><Text className='ops__btn' onClick={() => void load()}>重试</Text></View>}
        {!error && !items && <Text>加载中…</Text>}
        {items && items.length === 0 && <Text className='ops__muted ops-queue-empty'>暂无申请</Text>}
        {items?.map((a) => (
          <View key={a.id} className='ops__row ops-queue-item' data-id={a.id} onClick={() => onOpen(a.id)}>
            <Text className='ops__cell'>{a.alias}</Text>
            <Text className='ops__cell'>{GENDER_TEXT[a.gender] ?? a.gender} · {a.ageRange}</Text>
            <Text className='ops__cell'>{a.topics.map((t) => topicLabel(t as Topic)).join('、')}</Text>
            <Text className='ops__cell'>{a.certificateClaim ? '资质认证' : ''}{a.identityVerified ? ' 已实名' : ''}</Text>
            <Text className='ops__cell'>{STATUS_TEXT[a.status] ?? a.status}</Text>
            <Text className='ops__cell ops__muted'>{when(a.submittedAt)}</Text>
          </View>
        ))}
        {cursor && <Text className='ops__btn ops__btn--plain ops-queue-more' onClick={() => void load(true)}>加载更多</Text>}
      </View>
    </View>
  )
}

function Detail({ id, onBack, onAudit }: { id: string; onBack: () => void; onAudit: () => void }) {
  const [a, setA] = useState<ops.ApplicationDetail | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [reason, setReason] = useState('')
  const [revealed, setRevealed] = useState<Record<string, string>>({})
  const [images, setImages] = useState<Record<string, string>>({})
  const { busy, message: notice, setMessage: setNotice, run } = useSubmit()

  useEffect(() => {
    ops.fetchDetail(id).then(setA).catch((err) => setError(errorMessage(err)))
  }, [id])

  async function act(kind: 'approve' | 'reject' | 'request-changes') {
    if (busy || !a) return
    if (kind !== 'approve' && reason.trim().length < 2) {
      setNotice('请先填写原因（至少 2 个字）')
      return
    }
    await run(async () => {
      const next = kind === 'approve' ? await ops.approve(id) : kind === 'reject' ? await ops.reject(id, reason.trim()) : await ops.requestChanges(id, reason.trim())
      setA(next)
      setNotice(`已处理：${STATUS_TEXT[next.status] ?? next.status}`)
    })
  }

  async function show(field: 'realName' | 'idNumber') {
    try {
      const r = await ops.reveal(id, field)
      setRevealed((v) => ({ ...v, [field]: r.value }))
    } catch (err) {
      setNotice(errorMessage(err))
    }
  }

  async function showImage(fileId: string, mime: string) {
    try {
      const url = await ops.fileDataUrl(fileId, mime)
      setImages((m) => ({ ...m, [fileId]: url }))
    } catch (err) {
      setNotice(errorMessage(err))
    }
  }

  if (error) return <View><Text className='ops__error'>{error}</Text><Text className='ops__btn ops__btn--plain' onClick={onBack}>返回</Text></View>
  if (!a) return <Text>加载中…</Text>
  const open = a.status === 'SUBMITTED' || a.status === 'AWAITING_SECOND_REVIEW'
  return (
    <View className='ops-detail' data-status={a.status}>
      <Text className='ops__btn ops__btn--plain ops-back' onClick={onBack}>← 返回队列</Text>
      <Text className='ops__title'>{a.alias} · <Text className='ops-detail-status'>{STATUS_TEXT[a.status] ?? a.status}</Text></Text>
      <View className='ops__panel'>
        <Text className='ops__field'><Text className='ops__label'>性别/年龄</Text>{GENDER_TEXT[a.gender]} · {a.ageRange}</Text>
        <Text className='ops__field'><Text className='ops__label'>话题</Text>{a.topics.map((t) => topicLabel(t as Topic)).join('、')}</Text>
        <Text className='ops__field'><Text className='ops__label'>标签</Text>{a.tags.map((t) => <Text key={t} className='ops__tag'>{t}</Text>)}</Text>
        <Text className='ops__field'><Text className='ops__label'>介绍</Text>{a.intro}</Text>
        <Text className='ops__field'><Text className='ops__label'>经历</Text>{a.experience}</Text>
        <Text className='ops__field'><Text className='ops__label'>情景题</Text>{a.scenarioAnswer}</Text>
        <Text className='ops__field'><Text className='ops__label'>培训考试</Text>{a.trainingPassed ? '已通过' : '未通过（不能批准）'}</Text>
        <Text className='ops__field'><Text className='ops__label'>实名认证</Text>{a.identityVerified ? `已通过（${a.identityCheckRef ?? ''}）` : '未通过'}</Text>
        <Text className='ops__field'>
          <Text className='ops__label'>真实姓名</Text>
          {revealed.realName ? <Text className='ops-sensitive-value'>{revealed.realName}</Text> : <Text className='ops__btn ops__btn--plain ops-reveal-name' onClick={() => void show('realName')}>查看（将记录审计）</Text>}
        </Text>
        <Text className='ops__field'>
          <Text className='ops__label'>身份证号</Text>
          {revealed.idNumber ? <Text className='ops-sensitive-value'>{revealed.idNumber}</Text> : <Text className='ops__btn ops__btn--plain ops-reveal-id' onClick={() => void show('idNumber')}>查看（将记录审计）</Text>}
        </Text>
        <View className='ops__field'>
          <Text className='ops__label'>资质证书</Text>
          {a.certificates.length === 0 && <Text className='ops__muted'>无</Text>}
          {a.certificates.map((c) => images[c.id]
            ? <Image key={c.id} className='ops__thumb' src={images[c.id]} mode='aspectFit' />
            : <Text key={c.id} className='ops__btn ops__btn--plain ops-show-certificate' onClick={() => void showImage(c.id, c.mimeType)}>查看证书（将记录审计）</Text>)}
          {a.certificateClaim && a.status === 'AWAITING_SECOND_REVIEW' && <Text className='ops__muted'>已由一位审核员通过，需另一位审核员复核</Text>}
        </View>
        {a.decisionReason && <Text className='ops__field'><Text className='ops__label'>审核意见</Text>{a.decisionReason}</Text>}
      </View>
      {open && (
        <View className='ops__panel'>
          <Input className='ops__input ops-reason' value={reason} placeholder='拒绝或要求修改的原因（申请人可见）' onInput={(e) => setReason(e.detail.value)} />
          <Text className='ops__btn ops-approve' onClick={() => void act('approve')}>{a.certificateClaim && a.status === 'SUBMITTED' ? '通过（待复核）' : '通过'}</Text>
          <Text className='ops__btn ops__btn--plain ops-request-changes' onClick={() => void act('request-changes')}>要求修改</Text>
          <Text className='ops__btn ops__btn--danger ops-reject' onClick={() => void act('reject')}>拒绝</Text>
        </View>
      )}
      {notice && <Text className='ops__error ops-notice'>{notice}</Text>}
      <Text className='ops__btn ops__btn--plain ops-detail-audit' onClick={onAudit}>查看此申请的审计记录</Text>
    </View>
  )
}

function Audit({ subjectType, subjectId }: { subjectType?: string; subjectId?: string }) {
  const [type, setType] = useState(subjectType ?? '')
  const [sid, setSid] = useState(subjectId ?? '')
  const [items, setItems] = useState<ops.AuditEntry[] | null>(null)
  const [cursor, setCursor] = useState<string | null>(null)
  const [error, setError] = useState<string | null>(null)

  async function load(more = false) {
    try {
      const page = await ops.fetchAudit({ subjectType: type || undefined, subjectId: sid || undefined, cursor: more ? cursor ?? undefined : undefined })
      setItems(more && items ? [...items, ...page.items] : page.items)
      setCursor(page.nextCursor)
      setError(null)
    } catch (err) {
      setError(errorMessage(err))
    }
  }
  useEffect(() => void load(), [])

  return (
    <View>
      <Text className='ops__title'>审计日志</Text>
      <View className='ops__panel'>
        <Input className='ops__input ops-audit-type' value={type} placeholder='对象类型，如 listener_application' onInput={(e) => setType(e.detail.value)} />
        <Input className='ops__input ops-audit-id' value={sid} placeholder='对象编号' onInput={(e) => setSid(e.detail.value)} />
        <Text className='ops__btn ops-audit-search' onClick={() => void load()}>查询</Text>
      </View>
      <View className='ops__panel'>
        {error && <Text className='ops__error'>{error}</Text>}
        {!error && !items && <Text>加载中…</Text>}
        {items && items.length === 0 && <Text className='ops__muted'>暂无记录</Text>}
        {items?.map((e) => (
          <View key={e.id} className='ops__row ops-audit-item' data-action={e.action}>
            <Text className='ops__cell ops__muted'>{when(e.createdAt)}</Text>
            <Text className='ops__cell'>{e.action}</Text>
            <Text className='ops__cell'>{e.subjectType}:{e.subjectId.slice(0, 8)}</Text>
            <Text className='ops__cell ops__muted'>{e.actorId ? e.actorId.slice(0, 8) : '系统'}</Text>
            <Text className='ops__cell ops__muted'>{JSON.stringify(e.detail)}</Text>
          </View>
        ))}
        {cursor && <Text className='ops__btn ops__btn--plain' onClick={() => void load(true)}>加载更多</Text>}
      </View>
    </View>
  )
}
