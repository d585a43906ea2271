import { Module } from '@nestjs/common';
import { OpsAuditController } from './audit.controller';

/** Ops console endpoints that belong to no feature module (the audit log view). */
@Module({ controllers: [OpsAuditController] })
export class OpsModule {}
