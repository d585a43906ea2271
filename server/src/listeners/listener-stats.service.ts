import { Inject, Injectable } from '@nestjs/common';
import { inTx, Prisma } from '@qingting/prisma';
import type Redis from 'ioredis';
import { DomainError } from '../common/errors/domain-error';
import { PrismaService } from '../infra/database/prisma.service';
import { REDIS } from '../infra/redis/redis.module';
import { CURRENT_INPUTS, recommendScoreSql } from './recommend-score';

const served = (listenerId: string) => `listener:served-talkers:${listenerId}`;

/**
 * Incremental stats of a listener, called by the modules that own the events (orders,
 * sessions, reviews). Each call is one atomic UPDATE that also recomputes the rating average
 * and the recommended score from the new values, so concurrent calls never lose an update
 * and nothing is ever recomputed from orders.
 */
@Injectable()
export class ListenerStatsService {
  constructor(
    private readonly prisma: PrismaService,
    @Inject(REDIS) private readonly redis: Redis,
  ) {}

  /*
   * The response rate is accepted / received, where an order counts as received once the
   * listener's part in it is decided: accepted, declined, or left until the accept timer fired.
   * A paid order still waiting (the listener has ORDER_ACCEPT_MINUTES) does not drag the rate
   * down, nor does one the talker cancelled before the listener could answer; and a paid order
   * costs no update of this row (whose score is indexed: every change rewrites its index entries).
   * Both run in the caller's transaction, so a retried timer or a rolled-back decision counts once.
   */

  /** The listener accepted an order `seconds` after it was paid. */
  async recordAccepted(listenerId: string, seconds: number, tx: Prisma.TransactionClient): Promise<void> {
    const s = nonNegativeInt(seconds, 'seconds');
    return this.update(
      listenerId,
      Prisma.sql`orders_received = orders_received + 1, orders_accepted = orders_accepted + 1, accept_seconds_sum = accept_seconds_sum + ${s}`,
      { ...CURRENT_INPUTS, ordersReceived: Prisma.sql`orders_received + 1`, ordersAccepted: Prisma.sql`orders_accepted + 1` },
      tx,
    );
  }

  /** The listener declined a paid order, or let its accept timer run out. */
  async recordMissed(listenerId: string, tx: Prisma.TransactionClient): Promise<void> {
    return this.update(listenerId, Prisma.sql`orders_received = orders_received + 1`, { ...CURRENT_INPUTS, ordersReceived: Prisma.sql`orders_received + 1` }, tx);
  }

  /**
   * A session with `talkerId` was completed: one more order served, `minutes` more served.
   * The talker's first session with this listener makes them a distinct talker, the second a
   * repeat talker (repurchase rate = repeat / distinct).
   *
   * `previousSessions` is how many sessions this talker had completed with this listener
   * before this one; the sessions module should pass it from its own table (the durable
   * truth). Until that table exists it may be omitted: a per-listener Redis hash counts
   * sessions per talker instead (HINCRBY, atomic; lost with Redis, so only a stop-gap).
   */
  async recordServed(listenerId: string, talkerId: string, minutes: number, previousSessions?: number): Promise<void> {
    const m = nonNegativeInt(minutes, 'minutes');
    const nth = previousSessions !== undefined ? nonNegativeInt(previousSessions, 'previousSessions') + 1 : await this.redis.hincrby(served(listenerId), talkerId, 1);
    const distinct = nth === 1 ? 1 : 0;
    const repeat = nth === 2 ? 1 : 0;
    return this.update(
      listenerId,
      Prisma.sql`orders_served = orders_served + 1, minutes_served = minutes_served + ${m},
        distinct_talkers = distinct_talkers + ${distinct}, repeat_talkers = repeat_talkers + ${repeat}`,
      {
        ...CURRENT_INPUTS,
        ordersServed: Prisma.sql`orders_served + 1`,
        distinctTalkers: Prisma.sql`distinct_talkers + ${distinct}`,
        repeatTalkers: Prisma.sql`repeat_talkers + ${repeat}`,
      },
    );
  }

  /** A review with `stars` (1–5) was published for the listener. */
  async recordReview(listenerId: string, stars: number): Promise<void> {
    if (!Number.isInteger(stars) || stars < 1 || stars > 5) throw new RangeError(`stars must be 1–5, got ${stars}`);
    return this.update(
      listenerId,
      Prisma.sql`rating_sum = rating_sum + ${stars}, rating_count = rating_count + 1,
        rating_avg_centi = ((rating_sum + ${stars})::bigint * 100 / (rating_count + 1))::int`,
      { ...CURRENT_INPUTS, ratingSum: Prisma.sql`rating_sum + ${stars}`, ratingCount: Prisma.sql`rating_count + 1` },
    );
  }

  /** Recomputes the score from the current columns (after the toggle or a bulk change). */
  async refreshScore(listenerId: string): Promise<void> {
    return this.update(listenerId, Prisma.sql`user_id = user_id`, CURRENT_INPUTS);
  }

  /** One UPDATE (in `tx` when given), built with Prisma's SQL template and sent as plain SQL. */
  private async update(listenerId: string, set: Prisma.Sql, scoreInputs: typeof CURRENT_INPUTS, tx?: Prisma.TransactionClient): Promise<void> {
    const statement = Prisma.sql`
      UPDATE listener_profiles SET ${set}, recommend_score = ${recommendScoreSql(scoreInputs)}
      WHERE user_id = ${listenerId}::uuid RETURNING 1 AS changed`;
    const changed = await (tx ? inTx(tx) : this.prisma.sql).query(statement.text, statement.values);
    if (changed.length === 0) throw new DomainError('listener/not_found');
  }
}

function nonNegativeInt(n: number, what: string): number {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`${what} must be a non-negative integer, got ${n}`);
  return n;
}
