import { useEffect, useState } from 'react'
import { Input, Text, View } from '@tarojs/components'
import { formatFen, topicLabel } from '@qingting/shared'
import { errorMessage } from '../../services/api'
import { closeGroup, fetchOpsGroup, fetchOpsGroups, reviewGroup, type GroupStatus, type GroupView, type MembershipStatus, type OpsGroupDetail } from '../../services/groups'
import { GROUP_STATUS_LABELS, MEMBERSHIP_STATUS_LABELS } from '../../pages/messages/group-format'
import { when } from './order-format'
import { usePagedList } from './use-paged-list'
import { useSubmit } from '../../components/use-submit'

const statusLabel = (s: string) => GROUP_STATUS_LABELS[s as GroupStatus] ?? s
const prices = (g: GroupView) =>
  [
    ['30 天', g.price30Fen],
    ['90 天', g.price90Fen],
    ['365 天', g.price365Fen],
  ]
    .filter((p): p is [string, number] => p[1] !== null)
    .map(([l, f]) => `${l} ${formatFen(f)}`)
    .join('，') || '未定价'

const memberCounts = (g: OpsGroupDetail) =>
  (Object.entries(g.members) as [MembershipStatus, number][]).map(([s, n]) => `${MEMBERSHIP_STATUS_LABELS[s] ?? s} ${n}`).join('，') || '无'

/** 群组审核: groups by status (pending first), one group with approve / reject (with a note) and close. */
export function GroupsSection() {
  const [openId, setOpenId] = useState<string | null>(null)
  if (openId) return <GroupDetail id={openId} onBack={() => setOpenId(null)} />
  return <GroupQueue onOpen={setOpenId} />
}

function GroupQueue({ onOpen }: { onOpen: (id: string) => void }) {
  const [status, setStatus] = useState<GroupStatus>('PENDING_REVIEW')
  const { items, cursor, error, load } = usePagedList((cursor) => fetchOpsGroups(status, cursor), [status])

  return (
    <View>
      <Text className='ops__title'>群组审核</Text>
      <View className='ops__filters'>
        {(Object.keys(GROUP_STATUS_LABELS) as GroupStatus[]).map((s) => (
          <Text key={s} className={`ops__btn ${status === s ? '' : 'ops__btn--plain'} ops-groups-filter`} data-status={s} onClick={() => setStatus(s)}>{statusLabel(s)}</Text>
        ))}
      </View>
      <View className='ops__panel'>
        {error && <View><Text className='ops__error'>{error}</Text><Text className='ops__btn' onClick={() => void load()}>重试</Text></View>}
        {!error && !items && <Text>加载中…</Text>}
        {items && items.length === 0 && <Text className='ops__muted ops-groups-empty'>没有该状态的群组</Text>}
        {items?.map((g) => (
          <View key={g.id} className='ops__row ops-group-item' data-id={g.id} data-status={g.status} onClick={() => onOpen(g.id)}>
            <Text className='ops__cell'>{g.name}</Text>
            <Text className='ops__cell'>{g.owner.alias}</Text>
            <Text className='ops__cell'>{topicLabel(g.topic)}</Text>
            <Text className='ops__cell'>{g.seatsTaken}/{g.capacity} 人</Text>
            <Text className='ops__cell'>{statusLabel(g.status)}</Text>
            <Text className='ops__cell ops__muted'>{when(g.createdAt)}</Text>
          </View>
        ))}
        {cursor && <Text className='ops__btn ops__btn--plain ops-groups-more' onClick={() => void load(true)}>加载更多</Text>}
      </View>
    </View>
  )
}

function GroupDetail({ id, onBack }: { id: string; onBack: () => void }) {
  const [g, setG] = useState<OpsGroupDetail | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [note, setNote] = useState('')
  const { busy, message: notice, setMessage: setNotice, run } = useSubmit()
  useEffect(() => {
    fetchOpsGroup(id).then(setG, (err) => setError(errorMessage(err)))
  }, [id])

  async function act(kind: 'APPROVE' | 'REJECT' | 'CLOSE') {
    if (busy || !g) return
    if (kind === 'REJECT' && note.trim().length < 2) return setNotice('请先填写拒绝原因（至少 2 个字，群主可见）')
    await run(async () => {
      const next = kind === 'CLOSE' ? await closeGroup(id) : await reviewGroup(id, kind, note.trim() || undefined)
      setG({ ...next, members: g.members })
      setNotice(`已处理：${statusLabel(next.status)}`)
    })
  }

  if (error) return <View><Text className='ops__error'>{error}</Text><Text className='ops__btn ops__btn--plain' onClick={onBack}>返回</Text></View>
  if (!g) return <Text>加载中…</Text>
  return (
    <View className='ops-group-detail' data-status={g.status}>
      <Text className='ops__btn ops__btn--plain ops-back' onClick={onBack}>← 返回群组列表</Text>
      <Text className='ops__title'>{g.name} · <Text className='ops-group-status'>{statusLabel(g.status)}</Text></Text>
      <View className='ops__panel'>
        <Text className='ops__field'><Text className='ops__label'>群组编号</Text>{g.id}</Text>
        <Text className='ops__field'><Text className='ops__label'>群主</Text>{g.owner.alias}（{g.owner.id}）</Text>
        <Text className='ops__field'><Text className='ops__label'>话题</Text>{topicLabel(g.topic)}</Text>
        <Text className='ops__field'><Text className='ops__label'>介绍</Text>{g.intro}</Text>
        <Text className='ops__field'><Text className='ops__label'>价格</Text>{prices(g)}</Text>
        <Text className='ops__field'><Text className='ops__label'>人数</Text>{g.seatsTaken}/{g.capacity}（成员：{memberCounts(g)}）</Text>
        <Text className='ops__field'><Text className='ops__label'>创建时间</Text>{when(g.createdAt)}</Text>
        {g.announcement && <Text className='ops__field'><Text className='ops__label'>公告</Text>{g.announcement}</Text>}
        {g.reviewNote && <Text className='ops__field'><Text className='ops__label'>审核意见</Text>{g.reviewNote}</Text>}
      </View>
      <View className='ops__panel'>
        {g.status === 'PENDING_REVIEW' && (
          <View>
            <Input className='ops__input ops-group-note' value={note} placeholder='审核意见（拒绝时必填，群主可见）' onInput={(e) => setNote(e.detail.value)} />
            <Text className='ops__btn ops-group-approve' onClick={() => void act('APPROVE')}>通过</Text>
            <Text className='ops__btn ops__btn--danger ops-group-reject' onClick={() => void act('REJECT')}>拒绝</Text>
          </View>
        )}
        {g.status === 'OPEN' && <Text className='ops__btn ops__btn--danger ops-group-close' onClick={() => void act('CLOSE')}>关闭群组（不再接受新成员，现有成员保留至到期）</Text>}
        {(g.status === 'CLOSED' || g.status === 'REJECTED') && <Text className='ops__muted'>无可执行的操作</Text>}
      </View>
      {notice && <Text className='ops__error ops-notice'>{notice}</Text>}
    </View>
  )
}
