import { Text, View } from '@tarojs/components'
import type { PropsWithChildren } from 'react'

/** A bottom sheet over the room: a mask that closes it, a title, the content. */
export function Sheet(props: PropsWithChildren<{ title: string; className?: string; onClose: () => void }>) {
  return (
    <View className={`room-sheet ${props.className ?? ''}`}>
      <View className='room-sheet__mask' onClick={props.onClose} />
      <View className='room-sheet__panel'>
        <View className='room-sheet__head'>
          <Text className='room-sheet__title'>{props.title}</Text>
          <Text className='room-sheet__close' onClick={props.onClose}>关闭</Text>
        </View>
        {props.children}
      </View>
    </View>
  )
}
