import type { Session } from '@qingting/prisma';
import { DomainError } from '../common/errors/domain-error';

/** Reviews and disputes concern a conversation that happened: the session started and has ended. */
export function assertEndedSession(session: Pick<Session, 'status' | 'startedAt' | 'endedAt'>, code: 'review/not_ended' | 'dispute/not_ended'): asserts session is typeof session & { endedAt: Date } {
  if (session.status !== 'ENDED' || !session.startedAt || !session.endedAt) throw new DomainError(code);
}

/** The talker may dispute until `windowHours` after the end (PRODUCT.md §3: 72 h by default). */
export function assertDisputeWindowOpen(endedAt: Date, windowHours: number, now = new Date()): void {
  if (now.getTime() > endedAt.getTime() + windowHours * 3_600_000) {
    throw new DomainError('dispute/window_closed', `已超过可提出争议的期限（倾诉结束后 ${windowHours} 小时内）`);
  }
}
