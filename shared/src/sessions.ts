/**
 * The contract of timed sessions and real-time chat (PRODUCT.md §4), shared by the server and
 * the mini-program: REST views and the WebSocket frames.
 *
 * REST (all under /api, bearer token):
 * - GET  /sessions?state=active|past&cursor&limit   → Page<SessionView>   (mine, newest first)
 * - GET  /sessions/:id                              → SessionView
 * - GET  /sessions/by-order/:orderId                → SessionView
 * - POST /sessions/:id/join                         → SessionView  (I am in the room; starts the clock when both are)
 * - POST /sessions/:id/end                          → SessionView  (either side ends early)
 * - POST /sessions/:id/extend {units}               → OrderView of the EXTENSION order (then pay it like any order)
 * - POST /sessions/:id/voice/call                   → VoiceCallView (VOICE sessions: bind the call)
 * - GET  /conversations/:id/messages?afterSeq&limit → { messages: MessageView[]; lastSeq: number }
 * - POST /sessions/:id/review {stars, tags, text?}  → ReviewView    (talker, once, after the end)
 * - POST /sessions/:id/report {reason, detail?}     → { id }        (either side; freezes retention)
 * - POST /sessions/:id/dispute {reason}             → DisputeView   (talker, within 72 h of the end)
 * - POST /sessions/:id/gifts {giftCode}             → OrderView of the GIFT order (then pay it)
 * - ops: GET /ops/crisis-alerts, POST /ops/crisis-alerts/:id/resolve {status: HANDLED|FALSE_POSITIVE, note?};
 *        GET /ops/reports, POST /ops/reports/:id/resolve {status: ACTIONED|DISMISSED, resolution};
 *        GET /ops/disputes, POST /ops/disputes/:id/decide {decision: NONE|PARTIAL|FULL, refundFen?, note}
 *
 * WebSocket: `GET /ws` upgraded; the first frame must be `auth` within 5 s, else the server
 * closes with 4401. Frames are JSON text, one object each, discriminated by `type`.
 */

export type SessionStatus = 'WAITING' | 'ACTIVE' | 'ENDED' | 'CANCELLED';
export type SessionEndReason = 'TIME_UP' | 'TALKER_ENDED' | 'LISTENER_ENDED' | 'LISTENER_NO_SHOW' | 'TALKER_NO_SHOW';

export interface SessionView {
  id: string;
  orderId: string;
  conversationId: string;
  serviceType: 'TEXT' | 'VOICE';
  status: SessionStatus;
  myRole: 'talker' | 'listener';
  /** The other party, anonymous. */
  peer: { alias: string; avatarUrl: string };
  /** Both must be present by then (ISO). */
  startBy: string;
  talkerPresent: boolean;
  listenerPresent: boolean;
  startedAt: string | null;
  /** The paid end; the countdown runs to this, against `serverTime`. */
  endsAt: string | null;
  paidSeconds: number;
  endedAt: string | null;
  endReason: SessionEndReason | null;
  usedSeconds: number | null;
  chargedFen: number | null;
  /** An unpaid extension holds the end for the grace period. */
  extensionPending: boolean;
  /** When the chat is destroyed (null: frozen by a report or dispute, or already destroyed). */
  retainUntil: string | null;
  reviewed: boolean;
  disputable: boolean;
  /** The server's clock when this view was made (ISO): clients compute their offset from it. */
  serverTime: string;
}

/** A member's part in a conversation: the two parties of a session; a group's owner and members. */
export type ChatRole = 'TALKER' | 'LISTENER' | 'OWNER' | 'MEMBER';

export interface MessageView {
  id: string;
  conversationId: string;
  seq: number;
  /** The sender's part in the conversation, never who they are (PRODUCT.md §1); null for system messages. */
  senderRole: ChatRole | null;
  /** 'me' | 'peer' | 'system' from the viewer's side; group chats use the alias. */
  from: 'me' | 'peer' | 'system';
  alias: string | null;
  kind: 'TEXT' | 'SYSTEM';
  text: string;
  masked: boolean;
  clientId: string | null;
  at: string;
}

export interface VoiceCallView {
  sessionId: string;
  /** Privacy-number mode: the number to dial (the provider bridges it); RTC mode: the room token. */
  dial: string | null;
  roomToken: string | null;
  expiresAt: string;
}

export interface ReviewView {
  id: string;
  stars: number;
  tags: string[];
  text: string | null;
  at: string;
}

export interface DisputeView {
  id: string;
  sessionId: string;
  status: 'OPEN' | 'DECIDED';
  decision: 'NONE' | 'PARTIAL' | 'FULL' | null;
  refundFen: number | null;
  createdAt: string;
}

export const REVIEW_TAGS = ['耐心倾听', '温暖治愈', '专业', '有帮助', '回复及时', '共情能力强', '不够专注', '回复慢'] as const;

// --- WebSocket frames ---

/** Client → server. */
export type ClientFrame =
  | { type: 'auth'; token: string }
  /** Start receiving a conversation: everything after `afterSeq` is sent first (resume), then live. */
  | { type: 'subscribe'; conversationId: string; afterSeq: number }
  | { type: 'unsubscribe'; conversationId: string }
  /** `clientId` makes a resend after a reconnect idempotent: the same message is stored once and acked again. */
  | { type: 'send'; conversationId: string; clientId: string; text: string }
  | { type: 'typing'; conversationId: string }
  | { type: 'read'; conversationId: string; seq: number }
  /** Heartbeat every 20 s; `t` is the client's clock (ms), echoed for round-trip and offset. */
  | { type: 'ping'; t: number };

/** Server → client. */
export type ServerFrame =
  | { type: 'ready'; userId: string; serverTime: number }
  | { type: 'pong'; t: number; serverTime: number }
  /** Answer to `subscribe`: the messages after `afterSeq` (in order), then live `message` frames. */
  | { type: 'history'; conversationId: string; messages: MessageView[]; lastSeq: number }
  | { type: 'message'; message: MessageView }
  | { type: 'ack'; clientId: string; message: MessageView }
  | { type: 'typing'; conversationId: string; from: 'peer'; alias: string | null }
  /** Read up to `seq` by the peer (or by me on another device). */
  | { type: 'read'; conversationId: string; from: 'me' | 'peer'; seq: number }
  /** The session changed (started, reminder, extended, ended): the new view. */
  | { type: 'session'; session: SessionView; event: 'started' | 'joined' | 'reminder' | 'extended' | 'grace' | 'ended' | 'cancelled' }
  /** Crisis safety: to the talker the care card, to the listener guidance (texts in ./safety). */
  | { type: 'care'; conversationId: string; audience: 'talker' | 'listener' }
  /** A new paid order for an online listener. */
  | { type: 'order'; orderId: string; event: 'paid' }
  /** A refused frame; `ref` is the clientId or type it answers. */
  | { type: 'error'; ref: string | null; code: string; message: string };

export const WS_AUTH_TIMEOUT_MS = 5_000;
export const WS_HEARTBEAT_MS = 20_000;
/** Close codes the client acts on: 4401 re-login, 4408 auth timeout. */
export const WS_CLOSE = { unauthorized: 4401, authTimeout: 4408 } as const;
