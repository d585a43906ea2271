import { createHash, randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { Prisma, StoredFile } from '@qingting/prisma';
import { AuditService } from '../audit/audit.service';
import { DomainError } from '../common/errors/domain-error';
import type { AuthUser } from '../identity/auth.decorators';
import { FieldCrypto } from '../identity/field-crypto.service';
import { PrismaService } from '../infra/database/prisma.service';
import { sniffMimeType, UPLOAD_RULES, UploadPurpose } from './file-types';
import { FILE_STORAGE, FileStorage } from './storage.port';

export interface UploadedFile {
  id: string;
  purpose: UploadPurpose;
  mimeType: string;
  sizeBytes: number;
}

/** Roles that may read files they do not own (reviewers looking at an application). */
const READER_ROLES = new Set(['REVIEWER', 'ADMIN']);

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * Uploads: checked by content (magic bytes) and size per purpose, hashed, stored behind the
 * storage port. Sensitive purposes (certificates) are encrypted at rest with the field keys
 * (AES-256-GCM, key id kept for rotation) and every read by someone other than the owner is
 * audit-logged.
 */
@Injectable()
export class StorageService {
  constructor(
    @Inject(FILE_STORAGE) private readonly storage: FileStorage,
    private readonly prisma: PrismaService,
    private readonly crypto: FieldCrypto,
    private readonly audit: AuditService,
  ) {}

  async upload(owner: AuthUser, purpose: UploadPurpose, contentBase64: string): Promise<UploadedFile> {
    const rule = UPLOAD_RULES[purpose];
    const cleaned = contentBase64.replace(/^data:[^;,]*;base64,/, '').replace(/\s+/g, '');
    if (!cleaned || !BASE64.test(cleaned)) throw new DomainError('upload/invalid_content');
    // Check the size before decoding: the decoded length is known from the text length.
    const decodedLength = Math.floor((cleaned.length * 3) / 4) - (cleaned.endsWith('==') ? 2 : cleaned.endsWith('=') ? 1 : 0);
    if (decodedLength > rule.maxBytes) throw new DomainError('upload/too_large');
    const bytes = Buffer.from(cleaned, 'base64');
    if (bytes.length === 0) throw new DomainError('upload/invalid_content');
    const type = sniffMimeType(bytes);
    if (!type || type.kind !== rule.kind) throw new DomainError('upload/unsupported_type');

    const id = randomUUID();
    const storageKey = `${purpose.toLowerCase()}/${id.slice(0, 2)}/${id}`;
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const stored = rule.sensitive ? Buffer.from(this.crypto.encrypt(bytes.toString('base64')), 'utf8') : bytes;
    await this.storage.put(storageKey, stored);
    try {
      await this.prisma.client.storedFile.create({
        data: { id, ownerId: owner.id, purpose, mimeType: type.mime, sizeBytes: bytes.length, sha256, storageKey, encrypted: rule.sensitive },
      });
    } catch (err) {
      await this.storage.delete(storageKey).catch(() => undefined);
      throw err;
    }
    return { id, purpose, mimeType: type.mime, sizeBytes: bytes.length };
  }

  /**
   * The bytes of a file for its owner, or for a reviewer/admin (a certificate read by anyone
   * but its owner writes a `sensitive.read` audit row first). Anyone else: 404, as if absent.
   */
  async read(actor: AuthUser, fileId: string): Promise<{ file: StoredFile; bytes: Buffer }> {
    const file = await this.prisma.client.storedFile.findUnique({ where: { id: fileId } });
    const isOwner = file?.ownerId === actor.id;
    if (!file || (!isOwner && !actor.roles.some((r) => READER_ROLES.has(r)))) throw new DomainError('upload/not_found');
    if (file.encrypted && !isOwner) {
      await this.audit.record({ actorId: actor.id, action: 'sensitive.read', subjectType: 'stored_file', subjectId: file.id, detail: { field: 'file', purpose: file.purpose, ownerId: file.ownerId } });
    }
    const raw = await this.storage.get(file.storageKey);
    if (!raw) throw new DomainError('upload/not_found');
    const bytes = file.encrypted ? Buffer.from(this.crypto.decrypt(raw.toString('utf8')), 'base64') : raw;
    return { file, bytes };
  }

  /** Metadata of files, for modules that reference uploads (vetting checks ownership and purpose). */
  filesOf(ids: string[], tx?: Prisma.TransactionClient): Promise<StoredFile[]> {
    if (!ids.length) return Promise.resolve([]);
    return (tx ?? this.prisma.client).storedFile.findMany({ where: { id: { in: ids } } });
  }

  /** True when every id is an upload of `ownerId` with this purpose. */
  async ownsAll(ownerId: string, ids: string[], purpose: UploadPurpose): Promise<boolean> {
    const unique = [...new Set(ids)];
    if (unique.length !== ids.length) return false;
    const files = await this.filesOf(unique);
    return files.length === unique.length && files.every((f) => f.ownerId === ownerId && f.purpose === purpose);
  }
}
