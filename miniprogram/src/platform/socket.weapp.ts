import Taro from '@tarojs/taro'
import type { OpenSocket } from '../services/realtime'

/**
 * WeChat: `Taro.connectSocket` hands back its SocketTask asynchronously; a close requested before
 * that is applied as soon as the task exists. The domain must be in the mini-program's socket
 * whitelist (wss in production).
 */
export const openSocket: OpenSocket = (url, handlers) => {
  let task: Taro.SocketTask | null = null
  let closeWanted: { code?: number; reason?: string } | null = null
  let closed = false
  const reportClose = (code: number, reason: string) => {
    if (closed) return
    closed = true
    handlers.onClose(code, reason)
  }
  Taro.connectSocket({ url }).then(
    (t) => {
      task = t
      t.onOpen(() => handlers.onOpen())
      t.onMessage((res) => {
        if (typeof res.data === 'string') handlers.onMessage(res.data)
      })
      t.onError((res) => handlers.onError(res?.errMsg ?? 'socket error'))
      t.onClose((res) => reportClose(res?.code ?? 1006, res?.reason ?? ''))
      if (closeWanted) t.close({ ...closeWanted })
    },
    (err: { errMsg?: string } | undefined) => {
      handlers.onError(err?.errMsg ?? 'connectSocket failed')
      reportClose(1006, err?.errMsg ?? 'connectSocket failed')
    },
  )
  return {
    send: (data) => {
      if (!task) throw new Error('socket not open')
      task.send({ data })
    },
    close: (code, reason) => {
      if (task) task.close({ code, reason })
      else closeWanted = { code, reason }
    },
  }
}
