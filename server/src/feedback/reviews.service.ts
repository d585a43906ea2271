import { Injectable } from '@nestjs/common';
import { Prisma, type Review } from '@qingting/prisma';
import type { ReviewView } from '@qingting/shared';
import { DomainError } from '../common/errors/domain-error';
import type { AuthUser } from '../identity/auth.decorators';
import { PrismaService } from '../infra/database/prisma.service';
import { ListenerStatsService } from '../listeners/listener-stats.service';
import { SessionsService } from '../sessions/sessions.service';
import { ContentSecurityService } from '../wechat/content-security.service';
import type { ReviewBody } from './dto';
import { assertEndedSession } from './session-rules';

/** WeChat content security scene for comments (评论). */
const SCENE_COMMENT = 2;

export function toReviewView(r: Review): ReviewView {
  return { id: r.id, stars: r.stars, tags: r.tags, text: r.text, at: r.createdAt.toISOString() };
}

/**
 * The talker's rating after a session (PRODUCT.md §4): once per session order, anonymous on
 * the listener's profile, text cleared by WeChat content security before anything is saved.
 */
@Injectable()
export class ReviewsService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly sessions: SessionsService,
    private readonly contentSecurity: ContentSecurityService,
    private readonly stats: ListenerStatsService,
  ) {}

  async review(actor: AuthUser, sessionId: string, body: ReviewBody): Promise<ReviewView> {
    const session = await this.sessions.getForParty(sessionId, actor.id);
    if (session.talkerId !== actor.id) throw new DomainError('review/forbidden');
    assertEndedSession(session, 'review/not_ended');
    // Checked before moderation so a repeat costs no WeChat call; the unique order id decides races.
    if (await this.prisma.client.review.count({ where: { orderId: session.orderId } })) throw new DomainError('review/already_reviewed');
    const text = body.text || null;
    if (text) await this.moderate(actor.id, text);
    let review: Review;
    try {
      review = await this.prisma.client.review.create({
        data: { listenerId: session.listenerId, authorId: actor.id, orderId: session.orderId, stars: body.stars, tags: body.tags, text },
      });
    } catch (err) {
      if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === 'P2002') throw new DomainError('review/already_reviewed');
      throw err;
    }
    // After the commit: the rating moves only for a review that exists.
    await this.stats.recordReview(session.listenerId, body.stars);
    return toReviewView(review);
  }

  /** Risky text is refused; text WeChat cannot clear now (doubtful, or the check is down) is not published either. */
  private async moderate(userId: string, text: string): Promise<void> {
    const { openid } = await this.prisma.client.user.findUniqueOrThrow({ where: { id: userId }, select: { openid: true } });
    const { decision } = await this.contentSecurity.check(text, openid, SCENE_COMMENT);
    if (decision === 'reject') throw new DomainError('review/text_rejected');
    if (decision === 'hold') throw new DomainError('review/text_not_accepted');
  }
}
