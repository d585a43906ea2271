import { openSocket } from '../../platform/socket'
import { API_BASE, login } from '../../services/api'
import { RealtimeClient, wsUrl } from '../../services/realtime'
import { sessionToken } from '../../services/session'
import { fetchMessages } from '../../services/sessions'

/** The app's realtime client: the platform socket, the stored session token, login on 4401, REST for gaps. */
export function createRealtime(): RealtimeClient {
  const origin = (globalThis as { location?: { origin?: string } }).location?.origin
  return new RealtimeClient({
    url: wsUrl(API_BASE, origin),
    open: openSocket,
    token: sessionToken,
    login,
    fetchAfter: (conversationId, afterSeq) => fetchMessages(conversationId, afterSeq),
  })
}
