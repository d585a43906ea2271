import type { OpenSocket } from '../services/realtime'

/** H5: the browser's WebSocket; text frames only (the protocol is JSON). */
export const openSocket: OpenSocket = (url, handlers) => {
  const Ws = (globalThis as { WebSocket?: typeof WebSocket }).WebSocket
  if (!Ws) {
    // No WebSocket at all: report a close so the client backs off instead of throwing in a page.
    setTimeout(() => handlers.onClose(1006, 'WebSocket unavailable'), 0)
    return { send: () => undefined, close: () => undefined }
  }
  const ws = new Ws(url)
  let closed = false
  ws.onopen = () => handlers.onOpen()
  ws.onmessage = (e: MessageEvent) => {
    if (typeof e.data === 'string') handlers.onMessage(e.data)
  }
  ws.onerror = () => handlers.onError('WebSocket error')
  ws.onclose = (e: CloseEvent) => {
    if (closed) return
    closed = true
    handlers.onClose(e.code, e.reason)
  }
  return {
    send: (data) => ws.send(data),
    close: (code, reason) => {
      try {
        ws.close(code, reason)
      } catch {
        // Only 1000 and 3000–4999 are allowed from a browser; anything else: plain close.
        ws.close()
      }
    },
  }
}
