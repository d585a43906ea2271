import { randomUUID } from 'node:crypto';
import type { ConversationKind } from '@qingting/prisma';
import type { ClientFrame, ServerFrame } from '@qingting/shared';
import { WebSocket } from 'ws';
import { ChatService, type MemberRole } from '../src/chat/chat.service';
import type { TestApp } from './test-app';

type Frame<T extends ServerFrame['type']> = Extract<ServerFrame, { type: T }>;

/** A WebSocket to a test app's `/ws`, collecting every server frame. */
export interface TestSocket {
  ws: WebSocket;
  /** Every frame received so far, in order (consumed or not). */
  frames: ServerFrame[];
  /** The `ready` frame's userId once authenticated. */
  userId?: string;
  send(frame: ClientFrame | Record<string, unknown> | string): void;
  /**
   * The first not-yet-taken frame of `type` (matching `predicate`), waiting up to `timeoutMs`.
   * Taken frames are not returned again; frames of other types stay available.
   */
  next<T extends ServerFrame['type']>(type: T, predicate?: (frame: Frame<T>) => boolean, timeoutMs?: number): Promise<Frame<T>>;
  /** Resolves with no frame of `type` arriving within `ms` (fails if one does). */
  none(type: ServerFrame['type'], ms?: number, predicate?: (frame: ServerFrame) => boolean): Promise<void>;
  /** Resolves when the server (or we) closed the socket. */
  closed: Promise<{ code: number; reason: string }>;
  close(): Promise<void>;
}

export function wsUrlOf(t: TestApp | string): string {
  return `${(typeof t === 'string' ? t : t.url).replace(/^http/, 'ws')}/ws`;
}

/** Opens a socket without authenticating (tests of the auth handshake). */
export async function openSocket(t: TestApp | string): Promise<TestSocket> {
  const ws = new WebSocket(wsUrlOf(t));
  const frames: ServerFrame[] = [];
  const unseen: ServerFrame[] = [];
  const waiters = new Set<() => void>();
  const closed = new Promise<{ code: number; reason: string }>((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  ws.on('message', (data) => {
    const frame = JSON.parse(data.toString()) as ServerFrame;
    frames.push(frame);
    unseen.push(frame);
    for (const wake of [...waiters]) wake();
  });
  ws.on('error', () => undefined);
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  const take = (type: string, predicate?: (f: never) => boolean): ServerFrame | undefined => {
    const i = unseen.findIndex((f) => f.type === type && (!predicate || predicate(f as never)));
    return i < 0 ? undefined : unseen.splice(i, 1)[0];
  };
  const socket: TestSocket = {
    ws,
    frames,
    send: (frame) => ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame)),
    next(type, predicate, timeoutMs = 5_000) {
      return new Promise((resolve, reject) => {
        const found = take(type, predicate as never);
        if (found) return resolve(found as never);
        const wake = () => {
          const frame = take(type, predicate as never);
          if (!frame) return;
          waiters.delete(wake);
          clearTimeout(timer);
          resolve(frame as never);
        };
        const timer = setTimeout(() => {
          waiters.delete(wake);
          reject(new Error(`no ${type} frame within ${timeoutMs} ms; received: ${JSON.stringify(frames.slice(-10))}`));
        }, timeoutMs);
        waiters.add(wake);
      });
    },
    async none(type, ms = 300, predicate) {
      await new Promise((r) => setTimeout(r, ms));
      const found = unseen.find((f) => f.type === type && (!predicate || predicate(f)));
      if (found) throw new Error(`unexpected ${type} frame: ${JSON.stringify(found)}`);
    },
    closed,
    async close() {
      if (ws.readyState === WebSocket.CLOSED) return;
      ws.close();
      await closed;
    },
  };
  return socket;
}

/** Opens a socket and authenticates with `token`; resolves after `ready`. */
export async function connectSocket(t: TestApp | string, token: string): Promise<TestSocket> {
  const socket = await openSocket(t);
  socket.send({ type: 'auth', token });
  const ready = await socket.next('ready');
  socket.userId = ready.userId;
  return socket;
}

/**
 * A conversation opened the way the owning modules do it (`ChatService.open` inside a
 * transaction). A GROUP conversation gets a real OPEN group behind it (owned by its OWNER member,
 * every MEMBER with an active 30-day membership), so the groups module's chat policy applies.
 */
export async function openConversation(t: TestApp, kind: ConversationKind, members: { userId: string; role: MemberRole }[], subjectId: string = randomUUID()): Promise<string> {
  const { id } = await t.prisma.$transaction(async (tx) => {
    if (kind === 'GROUP') {
      const owner = members.find((m) => m.role === 'OWNER');
      if (!owner) throw new Error('a GROUP conversation needs an OWNER member');
      const joined = members.filter((m) => m.role === 'MEMBER');
      await tx.group.create({
        data: {
          id: subjectId, ownerId: owner.userId, name: '测试群组', intro: '测试', topic: 'EMOTION', price30Fen: 1000, capacity: Math.max(2, joined.length + 1), seatsTaken: joined.length, status: 'OPEN',
          memberships: { create: joined.map((m) => ({ userId: m.userId, status: 'ACTIVE' as const, orderId: randomUUID(), joinedAt: new Date(), endsAt: new Date(Date.now() + 30 * 86_400_000) })) },
        },
      });
    }
    return t.app.get(ChatService).open(kind, subjectId, members, tx);
  });
  return id;
}
