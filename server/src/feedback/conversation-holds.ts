import { Injectable } from '@nestjs/common';
import type { Prisma } from '@qingting/prisma';
import { ChatService } from '../chat/chat.service';

/**
 * Reports and disputes hold a session's conversation (its key survives the retention window)
 * until the last of them is resolved. Every change of a hold runs under a per-session advisory
 * lock taken first in its transaction, so "is anything else still open?" is answered after any
 * concurrent report, dispute or resolution of the same session has committed: two resolutions
 * racing can never both leave the conversation frozen, nor unfreeze it under a new report.
 */
@Injectable()
export class ConversationHolds {
  constructor(private readonly chat: ChatService) {}

  /** Serialises hold changes of one session for the rest of `tx`. Call before reading what holds it. */
  async lock(tx: Prisma.TransactionClient, sessionId: string): Promise<void> {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`feedback:hold:${sessionId}`}))`;
  }

  /** Freezes the session's conversation (a no-op when the session never had one). */
  async hold(tx: Prisma.TransactionClient, sessionId: string): Promise<void> {
    const conversationId = await this.conversationOf(tx, sessionId);
    if (conversationId) await this.chat.freeze(conversationId, tx);
  }

  /** Unfreezes the conversation unless another OPEN report or OPEN dispute still holds it. Call under `lock`. */
  async release(tx: Prisma.TransactionClient, sessionId: string): Promise<boolean> {
    const reports = await tx.report.count({ where: { sessionId, status: 'OPEN' } });
    const disputes = await tx.dispute.count({ where: { sessionId, status: 'OPEN' } });
    if (reports + disputes > 0) return false;
    const conversationId = await this.conversationOf(tx, sessionId);
    if (conversationId) await this.chat.unfreeze(conversationId, tx);
    return conversationId !== null;
  }

  async conversationOf(tx: Prisma.TransactionClient | undefined, sessionId: string): Promise<string | null> {
    return (await this.chat.conversationFor(sessionId, tx))?.id ?? null;
  }
}
