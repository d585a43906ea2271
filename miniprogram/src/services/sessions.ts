import type { DisputeView, MessageView, Page, ReviewView, SessionView, VoiceCallView } from '@qingting/shared'
import { apiGet, apiPost } from './api'
import type { OrderView } from './orders'

/** REST side of timed sessions (contract: shared/src/sessions.ts); the live side is services/realtime.ts. */

/** A gift of the catalogue (GET /api/gifts). */
export interface GiftView {
  code: string
  name: string
  priceFen: number
}

export const SESSION_PAGE_SIZE = 20
const enc = encodeURIComponent

export const fetchSessions = (state: 'active' | 'past', cursor?: string | null, limit = SESSION_PAGE_SIZE) =>
  apiGet<Page<SessionView>>('/api/sessions', { state, cursor, limit })
export const fetchSession = (id: string) => apiGet<SessionView>(`/api/sessions/${enc(id)}`)
export const fetchSessionByOrder = (orderId: string) => apiGet<SessionView>(`/api/sessions/by-order/${enc(orderId)}`)
export const joinSession = (id: string) => apiPost<SessionView>(`/api/sessions/${enc(id)}/join`)
export const endSession = (id: string) => apiPost<SessionView>(`/api/sessions/${enc(id)}/end`)
/** Creates the EXTENSION order; pay it with platform/pay like any order. */
export const extendSession = (id: string, units: number) => apiPost<OrderView>(`/api/sessions/${enc(id)}/extend`, { units })
export const callVoice = (id: string) => apiPost<VoiceCallView>(`/api/sessions/${enc(id)}/voice/call`)
export const fetchMessages = (conversationId: string, afterSeq: number, limit?: number) =>
  apiGet<{ messages: MessageView[]; lastSeq: number }>(`/api/conversations/${enc(conversationId)}/messages`, { afterSeq, limit })
export const reviewSession = (id: string, review: { stars: number; tags: string[]; text?: string }) =>
  apiPost<ReviewView>(`/api/sessions/${enc(id)}/review`, review)
export const reportSession = (id: string, report: { reason: string; detail?: string }) => apiPost<{ id: string }>(`/api/sessions/${enc(id)}/report`, report)
export const disputeSession = (id: string, reason: string) => apiPost<DisputeView>(`/api/sessions/${enc(id)}/dispute`, { reason })
/** Creates the GIFT order; pay it with platform/pay. */
export const sendGift = (id: string, giftCode: string) => apiPost<OrderView>(`/api/sessions/${enc(id)}/gifts`, { giftCode })
export const fetchGifts = () => apiGet<GiftView[]>('/api/gifts')
