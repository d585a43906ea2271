import { Controller, Get, Query } from '@nestjs/common';
import { AuditService } from '../audit/audit.service';
import { Roles } from '../identity/auth.decorators';
import { AuditQuery } from './audit.dto';

export interface AuditEntryView {
  id: string;
  actorId: string | null;
  action: string;
  subjectType: string;
  subjectId: string;
  detail: unknown;
  createdAt: string;
}

/** The audit log, newest first, optionally for one subject (ops console). */
@Controller('api/ops/audit')
@Roles('ADMIN', 'REVIEWER')
export class OpsAuditController {
  constructor(private readonly audit: AuditService) {}

  @Get()
  async list(@Query() query: AuditQuery): Promise<{ items: AuditEntryView[]; nextCursor: string | null }> {
    const page = await this.audit.list(query);
    return {
      items: page.items.map((e) => ({ id: e.id, actorId: e.actorId, action: e.action, subjectType: e.subjectType, subjectId: e.subjectId, detail: e.detail, createdAt: e.createdAt.toISOString() })),
      nextCursor: page.nextCursor,
    };
  }
}
