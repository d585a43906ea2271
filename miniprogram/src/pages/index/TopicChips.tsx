import { ScrollView, Text } from '@tarojs/components'
import { TOPICS, type Topic } from '@qingting/shared'

interface Props {
  value: Topic | null
  onChange: (topic: Topic | null) => void
}

const CHIPS: { code: Topic | null; label: string }[] = [{ code: null, label: '全部' }, ...TOPICS.map((t) => ({ code: t.code, label: t.label }))]

export default function TopicChips({ value, onChange }: Props) {
  return (
    <ScrollView className='topic-chips' scrollX enhanced showScrollbar={false}>
      {CHIPS.map((chip) => (
        <Text
          key={chip.code ?? 'ALL'}
          className={`topic-chip${chip.code === value ? ' topic-chip--active' : ''}`}
          data-topic={chip.code ?? 'ALL'}
          onClick={() => chip.code !== value && onChange(chip.code)}
        >
          {chip.label}
        </Text>
      ))}
    </ScrollView>
  )
}
