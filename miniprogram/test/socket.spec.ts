import fakeTaro from './fakes/taro'
import type * as SocketApi from '../src/platform/socket'
import * as h5 from '../src/platform/socket.h5'
import * as weapp from '../src/platform/socket.weapp'
import type { SocketHandlers } from '../src/services/realtime'

// Compile-time: both platform files implement the one declared interface (src/platform/socket.d.ts).
const implementations: Record<'h5' | 'weapp', typeof SocketApi> = { h5, weapp }

function recorder() {
  const events: string[] = []
  const handlers: SocketHandlers = {
    onOpen: () => events.push('open'),
    onMessage: (d) => events.push(`message:${d}`),
    onClose: (code, reason) => events.push(`close:${code}:${reason}`),
    onError: (m) => events.push(`error:${m}`),
  }
  return { events, handlers }
}

describe('platform/socket', () => {
  it('exists for both platforms', () => {
    expect(Object.keys(implementations.h5)).toEqual(Object.keys(implementations.weapp))
  })

  describe('h5 (the browser WebSocket)', () => {
    class FakeWebSocket {
      static last: FakeWebSocket
      sent: string[] = []
      closed: unknown[] | null = null
      onopen?: () => void
      onmessage?: (e: { data: unknown }) => void
      onerror?: () => void
      onclose?: (e: { code: number; reason: string }) => void
      constructor(readonly url: string) {
        FakeWebSocket.last = this
      }
      send(d: string) {
        this.sent.push(d)
      }
      close(...args: unknown[]) {
        if (typeof args[0] === 'number' && args[0] !== 1000 && (args[0] < 3000 || args[0] > 4999)) throw new Error('InvalidAccessError')
        this.closed = args
      }
    }
    beforeEach(() => {
      ;(globalThis as { WebSocket?: unknown }).WebSocket = FakeWebSocket
    })
    afterEach(() => {
      delete (globalThis as { WebSocket?: unknown }).WebSocket
    })

    it('passes text frames through and reports one close', () => {
      const r = recorder()
      const conn = h5.openSocket('ws://h/ws', r.handlers)
      const ws = FakeWebSocket.last
      expect(ws.url).toBe('ws://h/ws')
      ws.onopen?.()
      ws.onmessage?.({ data: '{"type":"ready"}' })
      ws.onmessage?.({ data: new ArrayBuffer(2) })
      conn.send('{"type":"ping","t":1}')
      ws.onerror?.()
      ws.onclose?.({ code: 4401, reason: 'unauthorized' })
      ws.onclose?.({ code: 1006, reason: '' })
      expect(ws.sent).toEqual(['{"type":"ping","t":1}'])
      expect(r.events).toEqual(['open', 'message:{"type":"ready"}', 'error:WebSocket error', 'close:4401:unauthorized'])
    })

    it('falls back to a plain close for a code the browser refuses', () => {
      const conn = h5.openSocket('ws://h/ws', recorder().handlers)
      conn.close(1001, 'x')
      expect(FakeWebSocket.last.closed).toEqual([])
      conn.close(4000, 'heartbeat timeout')
      expect(FakeWebSocket.last.closed).toEqual([4000, 'heartbeat timeout'])
    })
  })

  describe('weapp (Taro.connectSocket)', () => {
    function fakeTask() {
      const h: Record<string, (res: unknown) => void> = {}
      return {
        h,
        sent: [] as unknown[],
        closed: [] as unknown[],
        onOpen: (cb: (res: unknown) => void) => void (h.open = cb),
        onMessage: (cb: (res: unknown) => void) => void (h.message = cb),
        onError: (cb: (res: unknown) => void) => void (h.error = cb),
        onClose: (cb: (res: unknown) => void) => void (h.close = cb),
        send(o: unknown) {
          this.sent.push(o)
        },
        close(o: unknown) {
          this.closed.push(o)
        },
      }
    }

    it('wires the SocketTask once Taro hands it over', async () => {
      const task = fakeTask()
      fakeTaro.connectSocket.mockResolvedValue(task)
      const r = recorder()
      const conn = weapp.openSocket('wss://api/ws', r.handlers)
      expect(fakeTaro.connectSocket).toHaveBeenCalledWith({ url: 'wss://api/ws' })
      expect(() => conn.send('early')).toThrow()
      await Promise.resolve()
      task.h.open({})
      task.h.message({ data: '{"type":"pong"}' })
      conn.send('{"type":"ping"}')
      task.h.close({ code: 1001, reason: 'going away' })
      task.h.close({ code: 1001, reason: 'going away' })
      expect(task.sent).toEqual([{ data: '{"type":"ping"}' }])
      expect(r.events).toEqual(['open', 'message:{"type":"pong"}', 'close:1001:going away'])
    })

    it('applies a close asked for before the task existed', async () => {
      const task = fakeTask()
      fakeTaro.connectSocket.mockResolvedValue(task)
      const conn = weapp.openSocket('wss://api/ws', recorder().handlers)
      conn.close(1000, 'bye')
      await Promise.resolve()
      expect(task.closed).toEqual([{ code: 1000, reason: 'bye' }])
    })

    it('reports a failed connect as an error and a close', async () => {
      fakeTaro.connectSocket.mockRejectedValue({ errMsg: 'connectSocket:fail url not in domain list' })
      const r = recorder()
      weapp.openSocket('wss://api/ws', r.handlers)
      await Promise.resolve()
      await Promise.resolve()
      expect(r.events).toEqual(['error:connectSocket:fail url not in domain list', 'close:1006:connectSocket:fail url not in domain list'])
    })
  })
})
