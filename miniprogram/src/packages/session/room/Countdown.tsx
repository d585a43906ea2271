import { Text, View } from '@tarojs/components'
import { formatCountdown } from '../../../utils/orders'

/** The countdown (to the paid end, or to the start-by while waiting), already on the server's clock. */
export function Countdown({ label, ms }: { label: string; ms: number }) {
  const urgent = ms <= 5 * 60_000
  return (
    <View className={`room-countdown${urgent ? ' room-countdown--urgent' : ''}`} data-ms={String(ms)}>
      <Text className='room-countdown__label'>{label}</Text>
      <Text className='room-countdown__value'>{formatCountdown(ms)}</Text>
    </View>
  )
}
