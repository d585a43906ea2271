import { Text, View } from '@tarojs/components'
import Taro from '@tarojs/taro'
import { CARE_CARD, CRISIS_HOTLINES, LISTENER_CRISIS_GUIDANCE } from '@qingting/shared'
import { Sheet } from './Sheet'

const dial = (phone: string) => void Taro.makePhoneCall({ phoneNumber: phone.replace(/-/g, '') }).catch(() => undefined)

/** The talker's care card: warm words, the hotlines (tap to call), the not-a-crisis-service line. */
export function CareCard({ onClose }: { onClose: () => void }) {
  return (
    <Sheet title={CARE_CARD.title} className='care-card' onClose={onClose}>
      {CARE_CARD.lines.map((l) => <Text key={l} className='care-card__line'>{l}</Text>)}
      <View className='care-card__hotlines'>
        {CRISIS_HOTLINES.map((h) => (
          <View key={h.phone} className='care-hotline' onClick={() => dial(h.phone)}>
            <Text className='care-hotline__name'>{h.name}{h.note ? `（${h.note}）` : ''}</Text>
            <Text className='care-hotline__phone'>{h.phone}</Text>
          </View>
        ))}
      </View>
      <Text className='care-card__disclaimer'>{CARE_CARD.disclaimer}</Text>
    </Sheet>
  )
}

/** The listener's side of the same moment: what to do, and the 上报 that alerts the platform. */
export function ListenerGuidance({ onClose, onReport }: { onClose: () => void; onReport: () => void }) {
  return (
    <Sheet title={LISTENER_CRISIS_GUIDANCE.title} className='care-guidance' onClose={onClose}>
      {LISTENER_CRISIS_GUIDANCE.lines.map((l, i) => <Text key={l} className='care-card__line'>{i + 1}. {l}</Text>)}
      <View className='room-sheet__actions'>
        <Text className='room-btn room-btn--danger care-guidance__report' onClick={onReport}>上报</Text>
      </View>
    </Sheet>
  )
}
