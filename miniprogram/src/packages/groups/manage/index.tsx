import { Image, Text, Textarea, View } from '@tarojs/components'
import { useDidShow, useRouter } from '@tarojs/taro'
import { useState } from 'react'
import { assetUrl, errorMessage } from '../../../services/api'
import { fetchGroup, fetchMembers, muteMember, removeMember, setAnnouncement, unmuteMember, type GroupMemberView, type GroupView } from '../../../services/groups'
import { dateTimeLabel, GROUP_STATUS_LABELS, MEMBERSHIP_STATUS_LABELS, MUTE_CHOICES, mutedLabel, seatsLabel } from '../format'
import { useSubmit } from '../../../components/use-submit'
import '../groups.scss'

const ANNOUNCEMENT_MAX = 500

type Pick_ = { kind: 'mute' | 'remove'; member: GroupMemberView } | null

/**
 * 群组管理 (`packages/groups/manage/index?id=`, the owner): the pinned announcement, members with
 * their terms, mute (for a chosen time) / unmute, and removal, which refunds the unused term pro rata.
 */
export default function GroupManage() {
  const { params } = useRouter()
  const id = params.id ? decodeURIComponent(params.id) : ''
  const [group, setGroup] = useState<GroupView | null>(null)
  const [members, setMembers] = useState<GroupMemberView[] | null>(null)
  const [text, setText] = useState('')
  const [error, setError] = useState<string | null>(null)
  const { busy, message: notice, setMessage: setNotice, run: submit } = useSubmit()
  const [picked, setPicked] = useState<Pick_>(null)

  async function reload() {
    try {
      const [g, list] = await Promise.all([fetchGroup(id), fetchMembers(id)])
      setGroup(g)
      setText(g.announcement ?? '')
      setMembers(list)
      setError(null)
    } catch (err) {
      setError(errorMessage(err))
    }
  }
  useDidShow(() => void (id && reload()))

  const act = (label: string, action: () => Promise<unknown>) =>
    submit(async () => {
      await action()
      setNotice(label)
      setPicked(null)
      await reload()
    })

  if (!id) return <View className='groups-state'>找不到这个群组</View>
  if (error && !group) return <View className='groups-state groups-state--error' onClick={() => void reload()}>{error}，点击重试</View>
  if (!group || !members) return <View className='groups-state'>加载中…</View>
  const now = Date.now()

  return (
    <View className='groups-page group-manage-page' data-id={group.id}>
      <View className='group-head'>
        <Text className='group-head__name'>{group.name}<Text className='group-badge'>{GROUP_STATUS_LABELS[group.status] ?? group.status}</Text></Text>
        <Text className='groups-muted'>{seatsLabel(group)}</Text>
      </View>
      {notice && <Text className='groups-notice group-notice' onClick={() => setNotice(null)}>{notice}</Text>}

      <View className='group-panel'>
        <Text className='group-label'>群公告（置顶显示在群聊顶部）</Text>
        <Textarea className='group-textarea group-announcement-input' value={text} maxlength={ANNOUNCEMENT_MAX} placeholder='写一条公告，例如群规或活动安排' onInput={(e) => setText(e.detail.value)} />
        <Text className={`groups-btn groups-btn--small group-announcement-save${busy ? ' groups-btn--off' : ''}`} onClick={() => void act('公告已更新', () => setAnnouncement(group.id, text.trim()))}>
          {text.trim() ? '发布公告' : '清空公告'}
        </Text>
      </View>

      <Text className='groups-section'>成员（{members.length}）</Text>
      <View className='group-panel'>
        {members.length === 0 && <Text className='groups-muted'>还没有成员</Text>}
        {members.map((mb) => {
          const muted = mutedLabel(mb.mutedUntil, now)
          const active = mb.status === 'ACTIVE'
          return (
            <View key={mb.user.id} className='group-member group-member-item' data-user={mb.user.id} data-status={mb.status}>
              <Image className='group-member__avatar' src={assetUrl(mb.user.avatar)} mode='aspectFill' />
              <View className='group-member__main'>
                <Text className='group-label'>{mb.user.alias}</Text>
                <Text className='groups-muted'>
                  {active ? `有效期至 ${dateTimeLabel(mb.endsAt)}` : MEMBERSHIP_STATUS_LABELS[mb.status] ?? mb.status}
                  {muted ? ` · ${muted}` : ''}
                </Text>
              </View>
              {active && (
                <View className='group-member__actions'>
                  {muted ? (
                    <Text className='groups-btn groups-btn--small groups-btn--plain group-unmute' onClick={() => void act(`已解除 ${mb.user.alias} 的禁言`, () => unmuteMember(group.id, mb.user.id))}>解除禁言</Text>
                  ) : (
                    <Text className='groups-btn groups-btn--small groups-btn--plain group-mute' onClick={() => setPicked({ kind: 'mute', member: mb })}>禁言</Text>
                  )}
                  <Text className='groups-btn groups-btn--small groups-btn--danger group-remove' onClick={() => setPicked({ kind: 'remove', member: mb })}>移出</Text>
                </View>
              )}
            </View>
          )
        })}
      </View>

      {picked?.kind === 'mute' && (
        <View className='group-panel group-mute-sheet'>
          <Text className='group-label'>禁言 {picked.member.user.alias} 多久？禁言期间 TA 仍可查看群聊，但不能发言。</Text>
          <View className='group-actions'>
            {MUTE_CHOICES.map((c) => (
              <Text key={c.minutes} className='groups-btn groups-btn--small group-mute-choice' data-minutes={c.minutes} onClick={() => void act(`已禁言 ${picked.member.user.alias} ${c.label}`, () => muteMember(group.id, picked.member.user.id, c.minutes))}>{c.label}</Text>
            ))}
            <Text className='groups-btn groups-btn--small groups-btn--plain' onClick={() => setPicked(null)}>取消</Text>
          </View>
        </View>
      )}
      {picked?.kind === 'remove' && (
        <View className='group-panel group-remove-sheet'>
          <Text className='group-label'>将 {picked.member.user.alias} 移出群组？TA 未使用的剩余时长将按比例原路退款，移出后不能再查看群聊。</Text>
          <View className='group-actions'>
            <Text className='groups-btn groups-btn--plain' onClick={() => setPicked(null)}>取消</Text>
            <Text className='groups-btn groups-btn--danger group-remove-confirm' onClick={() => void act(`已将 ${picked.member.user.alias} 移出群组`, () => removeMember(group.id, picked.member.user.id))}>确定移出</Text>
          </View>
        </View>
      )}
    </View>
  )
}
