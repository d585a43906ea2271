import { Injectable, OnApplicationBootstrap, OnModuleInit } from '@nestjs/common';
import type { Prisma } from '@qingting/prisma';
import { AppConfig } from '../infra/config/app-config';
import { SchedulerService } from '../scheduler/scheduler.service';

export const GROUP_HISTORY_PRUNE_JOB = 'chat.group_history_prune';
const PRUNE_EVERY_MS = 3_600_000;

/**
 * Group chats never end, so they cannot be shredded at an end the way a session's can: their
 * history rolls instead. Members see the last CHAT_RETENTION_HOURS; older messages are deleted
 * by one job, hourly, run by one instance.
 */
@Injectable()
export class GroupHistoryPruner implements OnModuleInit, OnApplicationBootstrap {
  constructor(
    private readonly scheduler: SchedulerService,
    private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    this.scheduler.register(GROUP_HISTORY_PRUNE_JOB, (_job, tx) => this.prune(tx));
  }

  /** Makes sure the job exists (scheduling again only moves it). */
  async onApplicationBootstrap(): Promise<void> {
    await this.scheduler.schedule(GROUP_HISTORY_PRUNE_JOB, 'all', new Date(Date.now() + PRUNE_EVERY_MS));
  }

  /** Deletes group messages past the window; the job runs again in an hour. */
  async prune(tx: Prisma.TransactionClient): Promise<Date> {
    const cutoff = new Date(Date.now() - this.config.CHAT_RETENTION_HOURS * 3600_000);
    await tx.$executeRaw`
      DELETE FROM messages m USING conversations c
      WHERE c.id = m.conversation_id AND c.kind = 'GROUP' AND m.created_at < ${cutoff}`;
    return new Date(Date.now() + PRUNE_EVERY_MS);
  }
}
