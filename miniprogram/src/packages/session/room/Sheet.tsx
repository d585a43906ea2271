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

/** The error (if any) and the submit button at the foot of a sheet; `buttonClass` names the button for tests and styles. */
export function SheetSubmit(props: { error: string | null; busy: boolean; disabled?: boolean; buttonClass: string; label: string; busyLabel: string; onSubmit: () => void }) {
  return (
    <>
      {props.error && <Text className='room-error'>{props.error}</Text>}
      <View className='room-sheet__actions'>
        <Text className={`room-btn ${props.buttonClass}${props.busy || props.disabled ? ' room-btn--off' : ''}`} onClick={props.onSubmit}>
          {props.busy ? props.busyLabel : props.label}
        </Text>
      </View>
    </>
  )
}
