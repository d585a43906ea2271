import { Injectable } from '@nestjs/common';
import { AuditService } from '../audit/audit.service';
import type { AuthUser } from './auth.decorators';
import { FieldCrypto } from './field-crypto.service';

/**
 * The only way an operator reads an encrypted field: it decrypts and writes an audit row
 * (`sensitive.read`, who, which subject, which field) before the value leaves the server.
 * Role checks stay with the caller (the endpoint's @Roles).
 */
@Injectable()
export class SensitiveDataService {
  constructor(
    private readonly crypto: FieldCrypto,
    private readonly audit: AuditService,
  ) {}

  async read(actor: AuthUser, subject: { type: string; id: string }, field: string, stored: string): Promise<string> {
    await this.audit.record({ actorId: actor.id, action: 'sensitive.read', subjectType: subject.type, subjectId: subject.id, detail: { field } });
    return this.crypto.decrypt(stored);
  }
}
