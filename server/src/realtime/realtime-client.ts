import type { ServerFrame } from '@qingting/shared';
import { WebSocket } from 'ws';

/** A socket that buffers more than this is not reading: it is cut rather than allowed to grow the heap. */
const MAX_BUFFERED_BYTES = 1024 * 1024;

/** One authenticated socket, as handlers see it. */
export interface RealtimeClient {
  /** Unique across instances (`<instance>:<n>`). */
  readonly id: string;
  readonly userId: string;
  send(frame: ServerFrame): void;
  /**
   * Starts delivering the conversation's frames to this socket (resolves once this instance is
   * subscribed to them in Redis). With `hold`, they are queued until `release`, so a snapshot
   * (history) can go out first and nothing published meanwhile is lost or reordered.
   */
  join(conversationId: string, options?: { hold?: boolean }): Promise<void>;
  /**
   * Sends the frames held since `join(…, {hold: true})` that `keep` accepts and goes live; `keep`
   * goes on filtering this conversation's frames (a frame published late can be older than the
   * snapshot: the filter drops what the snapshot already had).
   */
  release(conversationId: string, keep?: (frame: ServerFrame) => boolean): void;
  leave(conversationId: string): Promise<void>;
  isIn(conversationId: string): boolean;
}

/** What the client needs from the hub that owns the registry and the Redis subscriptions. */
export interface ClientHub {
  joinConversation(client: LiveClient, conversationId: string): Promise<void>;
  leaveConversation(client: LiveClient, conversationId: string): Promise<void>;
}

interface HeldFrame {
  frame: ServerFrame;
  raw: string;
}

interface Joined {
  /** Frames held until `release`, or null when live. */
  held: HeldFrame[] | null;
  keep?: (frame: ServerFrame) => boolean;
}

export class LiveClient implements RealtimeClient {
  lastSeen = Date.now();
  closed = false;
  readonly conversations = new Map<string, Joined>();
  /** Frames of one socket are handled one after another, so a person's messages keep their order. */
  private queue: Promise<void> = Promise.resolve();

  constructor(
    readonly id: string,
    readonly userId: string,
    readonly ws: WebSocket,
    private readonly hub: ClientHub,
  ) {}

  send(frame: ServerFrame): void {
    this.sendRaw(JSON.stringify(frame));
  }

  sendRaw(raw: string): void {
    if (this.ws.readyState !== WebSocket.OPEN) return;
    if (this.ws.bufferedAmount > MAX_BUFFERED_BYTES) {
      this.ws.terminate();
      return;
    }
    this.ws.send(raw);
  }

  /** A conversation frame from the bus: sent, or held while a snapshot is being sent. */
  deliver(conversationId: string, frame: ServerFrame, raw: string): void {
    const joined = this.conversations.get(conversationId);
    if (!joined) return;
    if (joined.held) joined.held.push({ frame, raw });
    else if (!joined.keep || joined.keep(frame)) this.sendRaw(raw);
  }

  async join(conversationId: string, options: { hold?: boolean } = {}): Promise<void> {
    const joined = this.conversations.get(conversationId);
    if (!joined) {
      this.conversations.set(conversationId, { held: options.hold ? [] : null });
      await this.hub.joinConversation(this, conversationId);
    } else if (options.hold && !joined.held) {
      joined.held = [];
    }
  }

  release(conversationId: string, keep?: (frame: ServerFrame) => boolean): void {
    const joined = this.conversations.get(conversationId);
    if (!joined) return;
    const held = joined.held ?? [];
    joined.held = null;
    joined.keep = keep;
    for (const h of held) if (!keep || keep(h.frame)) this.sendRaw(h.raw);
  }

  async leave(conversationId: string): Promise<void> {
    if (!this.conversations.delete(conversationId)) return;
    await this.hub.leaveConversation(this, conversationId);
  }

  isIn(conversationId: string): boolean {
    return this.conversations.has(conversationId);
  }

  /** Runs `task` after the socket's earlier frames; resolves when it is done (never rejects). */
  enqueue(task: () => Promise<void>): Promise<void> {
    const next = this.queue.then(task).catch(() => undefined);
    this.queue = next;
    return next;
  }
}
