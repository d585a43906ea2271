import { Inject, Injectable } from '@nestjs/common';
import type { ApplicationStatus, ListenerApplication } from '@qingting/prisma';
import { AuditService } from '../audit/audit.service';
import { DomainError } from '../common/errors/domain-error';
import type { AuthUser } from '../identity/auth.decorators';
import { FieldCrypto } from '../identity/field-crypto.service';
import { PrismaService } from '../infra/database/prisma.service';
import { StorageService } from '../storage/storage.service';
import { ContentSecurityService } from '../wechat/content-security.service';
import { ApplicationBody } from './dto';
import { IDENTITY_VERIFIER, IdentityVerifier } from './identity-verifier';
import { canTransition, OPEN_FOR_APPLICANT } from './transitions';

/** What the applicant sees of their own application: never the encrypted fields. */
export interface MyApplication {
  id: string;
  status: ApplicationStatus;
  alias: string;
  gender: string;
  ageRange: string;
  intro: string;
  topics: string[];
  tags: string[];
  experience: string;
  scenarioAnswer: string;
  certificateFileIds: string[];
  voiceIntroFileId: string | null;
  identityVerified: boolean;
  /** The reviewer's reason (rejection) or what to fix (changes requested). */
  reason: string | null;
  submittedAt: string;
  decidedAt: string | null;
}

export function toMyApplication(a: ListenerApplication): MyApplication {
  return {
    id: a.id,
    status: a.status,
    alias: a.alias,
    gender: a.gender,
    ageRange: a.ageRange,
    intro: a.intro,
    topics: a.topics,
    tags: a.tags,
    experience: a.experience,
    scenarioAnswer: a.scenarioAnswer,
    certificateFileIds: a.certificateFileIds,
    voiceIntroFileId: a.voiceIntroFileId,
    identityVerified: a.identityVerified,
    reason: a.status === 'REJECTED' || a.status === 'CHANGES_REQUESTED' ? a.decisionReason : null,
    submittedAt: a.submittedAt.toISOString(),
    decidedAt: a.decidedAt?.toISOString() ?? null,
  };
}

/** The applicant's side of vetting: submit, see the status, resubmit after changes were requested. */
@Injectable()
export class ApplicationService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly crypto: FieldCrypto,
    private readonly audit: AuditService,
    private readonly storage: StorageService,
    private readonly contentSecurity: ContentSecurityService,
    @Inject(IDENTITY_VERIFIER) private readonly identity: IdentityVerifier,
  ) {}

  async submit(actor: AuthUser, body: ApplicationBody): Promise<MyApplication> {
    if (actor.roles.includes('LISTENER')) throw new DomainError('vetting/already_listener');
    await this.assertNoOpenApplication(actor.id);
    const checked = await this.check(actor, body);
    const app = await this.prisma.client.$transaction(async (tx) => {
      // Serialise one person's submissions so two parallel submits cannot both pass the "no open application" check.
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`vetting:apply:${actor.id}`}))`;
      const open = await tx.listenerApplication.count({ where: { userId: actor.id, status: { in: [...OPEN_FOR_APPLICANT] } } });
      if (open) throw new DomainError('vetting/application_open');
      const created = await tx.listenerApplication.create({ data: { userId: actor.id, status: 'SUBMITTED', ...checked.data } });
      await this.audit.record({ actorId: actor.id, action: 'vetting.submit', subjectType: 'listener_application', subjectId: created.id, detail: checked.detail }, tx);
      return created;
    });
    return toMyApplication(app);
  }

  /** After CHANGES_REQUESTED: the whole form again → SUBMITTED (conditional on the status). */
  async resubmit(actor: AuthUser, applicationId: string, body: ApplicationBody): Promise<MyApplication> {
    const existing = await this.prisma.client.listenerApplication.findUnique({ where: { id: applicationId } });
    if (!existing || existing.userId !== actor.id) throw new DomainError('vetting/application_not_found');
    if (!canTransition(existing.status, 'SUBMITTED')) throw new DomainError('vetting/not_editable');
    const checked = await this.check(actor, body);
    const app = await this.prisma.client.$transaction(async (tx) => {
      const { count } = await tx.listenerApplication.updateMany({
        where: { id: applicationId, userId: actor.id, status: 'CHANGES_REQUESTED' },
        data: { ...checked.data, status: 'SUBMITTED', submittedAt: new Date(), firstReviewerId: null, decidedById: null, decidedAt: null, decisionReason: null },
      });
      if (count === 0) throw new DomainError('vetting/not_editable');
      await this.audit.record({ actorId: actor.id, action: 'vetting.resubmit', subjectType: 'listener_application', subjectId: applicationId, detail: checked.detail }, tx);
      return tx.listenerApplication.findUniqueOrThrow({ where: { id: applicationId } });
    });
    return toMyApplication(app);
  }

  /** The newest application of the caller, or null. */
  async mine(actor: AuthUser): Promise<MyApplication | null> {
    const app = await this.prisma.client.listenerApplication.findFirst({ where: { userId: actor.id }, orderBy: [{ submittedAt: 'desc' }, { id: 'desc' }] });
    return app ? toMyApplication(app) : null;
  }

  private async assertNoOpenApplication(userId: string): Promise<void> {
    const open = await this.prisma.client.listenerApplication.count({ where: { userId, status: { in: [...OPEN_FOR_APPLICANT] } } });
    if (open) throw new DomainError('vetting/application_open');
  }

  /** Files, content security and the identity check; all before anything is written. */
  private async check(actor: AuthUser, body: ApplicationBody) {
    if (body.certificateFileIds.length && !(await this.storage.ownsAll(actor.id, body.certificateFileIds, 'CERTIFICATE'))) {
      throw new DomainError('vetting/invalid_file', '资质证书附件无效，请重新上传');
    }
    if (body.voiceIntroFileId && !(await this.storage.ownsAll(actor.id, [body.voiceIntroFileId], 'VOICE_INTRO'))) {
      throw new DomainError('vetting/invalid_file', '语音介绍附件无效，请重新上传');
    }
    const { openid } = await this.prisma.client.user.findUniqueOrThrow({ where: { id: actor.id }, select: { openid: true } });
    const moderation: Record<string, string> = {};
    for (const [field, text, scene] of [['alias', body.alias, 1], ['intro', body.intro, 1], ['experience', body.experience, 1], ['scenarioAnswer', body.scenarioAnswer, 1]] as const) {
      const result = await this.contentSecurity.check(text, openid, scene);
      if (result.decision === 'reject') throw new DomainError('vetting/content_rejected', undefined, [{ field, problem: '包含不当内容' }]);
      // `hold` is allowed through: every application is read by a human reviewer anyway; the verdict is in the audit row.
      moderation[field] = result.decision;
    }
    const identity = await this.identity.verify(body.realName, body.idNumber);
    if (!identity.verified) throw new DomainError('vetting/identity_check_failed');
    return {
      data: {
        alias: body.alias,
        gender: body.gender,
        ageRange: body.ageRange,
        intro: body.intro,
        topics: body.topics,
        tags: body.tags,
        experience: body.experience,
        scenarioAnswer: body.scenarioAnswer,
        certificateFileIds: body.certificateFileIds,
        voiceIntroFileId: body.voiceIntroFileId ?? null,
        realNameEnc: this.crypto.encrypt(body.realName),
        idNumberEnc: this.crypto.encrypt(body.idNumber),
        identityVerified: true,
        identityCheckRef: identity.ref,
      },
      detail: { moderation, identityCheckRef: identity.ref, certificateClaim: body.certificateFileIds.length > 0 },
    };
  }
}
