import { Injectable } from '@nestjs/common';
import type { AuditLog, Prisma } from '@qingting/prisma';
import { PrismaService } from '../infra/database/prisma.service';

export interface AuditEntry {
  /** Who acted; null for the system. */
  actorId: string | null;
  /** Namespaced action, e.g. `vetting.approve`, `sensitive.read`. */
  action: string;
  subjectType: string;
  subjectId: string;
  detail?: Record<string, unknown>;
}

/** The append-only audit log. Pass the transaction of the change it records, so both land or neither. */
@Injectable()
export class AuditService {
  constructor(private readonly prisma: PrismaService) {}

  async record(entry: AuditEntry, tx?: Prisma.TransactionClient): Promise<void> {
    await (tx ?? this.prisma.client).auditLog.create({
      data: { ...entry, detail: (entry.detail ?? {}) as Prisma.InputJsonValue },
    });
  }

  /** Newest first, cursor on id; optionally for one subject. */
  async list(query: { subjectType?: string; subjectId?: string; limit: number; cursor?: string }): Promise<{ items: AuditLog[]; nextCursor: string | null }> {
    const rows = await this.prisma.client.auditLog.findMany({
      where: { subjectType: query.subjectType, subjectId: query.subjectId },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: query.limit + 1,
      ...(query.cursor ? { cursor: { id: query.cursor }, skip: 1 } : {}),
    });
    const items = rows.slice(0, query.limit);
    return { items, nextCursor: rows.length > query.limit ? items[items.length - 1].id : null };
  }
}
