import { Input, Text, Textarea, View } from '@tarojs/components'
import Taro from '@tarojs/taro'
import { useState } from 'react'
import { TOPICS } from '@qingting/shared'
import { createGroup } from '../../../services/groups'
import { useSubmit } from '../../../components/use-submit'
import { createGroupInput, GROUP_CAPACITY_MAX, GROUP_INTRO_MAX, GROUP_NAME_MAX, REFUND_WINDOW_HOURS, type CreateGroupForm } from '../format'
import '../groups.scss'

/** 创建群组 (`packages/groups/create/index`, SENIOR listeners): name, intro, topic, prices per term, capacity; then operator review. */
export default function GroupCreate() {
  const [form, setForm] = useState<CreateGroupForm>({ name: '', intro: '', topic: '', price30: '', price90: '', price365: '', capacity: '50' })
  const { busy, message: error, setMessage: setError, run } = useSubmit()
  const set = (k: keyof CreateGroupForm) => (e: { detail: { value: string } }) => setForm((f) => ({ ...f, [k]: e.detail.value }))

  async function submit() {
    if (busy) return
    const r = createGroupInput(form)
    if (!r.ok) return setError(r.error)
    await run(async () => {
      const g = await createGroup(r.input)
      await Taro.redirectTo({ url: `/packages/groups/detail/index?id=${encodeURIComponent(g.id)}` })
    })
  }

  return (
    <View className='groups-page group-create'>
      <View className='group-panel'>
        <Text className='group-label'>群名称</Text>
        <Input className='group-input group-create-name' value={form.name} maxlength={GROUP_NAME_MAX} placeholder='例如：职场转型互助群' onInput={set('name')} />
        <Text className='group-label'>群介绍</Text>
        <Textarea className='group-textarea group-create-intro' value={form.intro} maxlength={GROUP_INTRO_MAX} placeholder='这个群适合谁、会聊什么、你能提供什么帮助' onInput={set('intro')} />
        <Text className='group-label'>话题</Text>
        <View className='groups-topics' style={{ padding: '8px 0' }}>
          {TOPICS.map((t) => (
            <Text key={t.code} className={`groups-topic group-create-topic${form.topic === t.code ? ' groups-topic--on' : ''}`} data-topic={t.code} onClick={() => setForm((f) => ({ ...f, topic: t.code }))}>{t.label}</Text>
          ))}
        </View>
        <Text className='group-label'>价格（元，不填表示不提供该期限）</Text>
        <Input className='group-input group-create-price30' type='digit' value={form.price30} placeholder='30 天' onInput={set('price30')} />
        <Input className='group-input group-create-price90' type='digit' value={form.price90} placeholder='90 天' onInput={set('price90')} />
        <Input className='group-input group-create-price365' type='digit' value={form.price365} placeholder='365 天' onInput={set('price365')} />
        <Text className='group-label'>人数上限（最多 {GROUP_CAPACITY_MAX} 人）</Text>
        <Input className='group-input group-create-capacity' type='number' value={form.capacity} onInput={set('capacity')} />
        <Text className='groups-muted'>提交后由平台审核，通过后开放加入。成员加入 {REFUND_WINDOW_HOURS} 小时内退出可全额退款，你的收入在 {REFUND_WINDOW_HOURS} 小时后计入。</Text>
      </View>
      {error && <Text className='groups-notice group-create-error'>{error}</Text>}
      <Text className={`groups-btn groups-btn--block group-create-submit${busy ? ' groups-btn--off' : ''}`} onClick={() => void submit()}>{busy ? '提交中…' : '提交审核'}</Text>
    </View>
  )
}
