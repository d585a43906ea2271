import { Text, View } from '@tarojs/components'
import { useState, type PropsWithChildren } from 'react'
import { errorText } from './useRoom'

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

/**
 * A sheet's submit: one at a time (`busy`), and what went wrong shown in the sheet (`error`, in
 * the API's words). `run` clears the error, runs `action` and keeps its failure as the error.
 */
export function useSheetSubmit() {
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  async function run(action: () => Promise<void>): Promise<void> {
    if (busy) return
    setBusy(true)
    setError(null)
    try {
      await action()
    } catch (err) {
      setError(errorText(err))
    } finally {
      setBusy(false)
    }
  }
  return { busy, error, setError, run }
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
