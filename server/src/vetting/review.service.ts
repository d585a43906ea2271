import { Injectable, Logger } from '@nestjs/common';
import type { ApplicationStatus, ListenerApplication, Prisma, Role } from '@qingting/prisma';
import { listenerSearchText } from '@qingting/shared';
import { AuditService } from '../audit/audit.service';
import { DomainError } from '../common/errors/domain-error';
import type { AuthUser } from '../identity/auth.decorators';
import { SensitiveDataService } from '../identity/sensitive-data.service';
import { AppConfig } from '../infra/config/app-config';
import { PrismaService } from '../infra/database/prisma.service';
import { StorageService } from '../storage/storage.service';
import { WechatApiClient } from '../wechat/wechat-api.client';
import { QueueQuery } from './dto';
import { DEFAULT_NEW_TEXT_PRICE_FEN } from './tier.rules';
import { TrainingService } from './training.service';
import { OPEN_FOR_REVIEW, ReviewDecision, targetOf } from './transitions';

export interface QueueItem {
  id: string;
  status: ApplicationStatus;
  alias: string;
  gender: string;
  ageRange: string;
  topics: string[];
  identityVerified: boolean;
  certificateClaim: boolean;
  /** Set when a certificate claim waits for a second reviewer. */
  firstReviewerId: string | null;
  submittedAt: string;
}

export interface ApplicationDetail extends QueueItem {
  userId: string;
  intro: string;
  tags: string[];
  experience: string;
  scenarioAnswer: string;
  certificates: { id: string; mimeType: string; sizeBytes: number }[];
  voiceIntro: { id: string; mimeType: string; sizeBytes: number } | null;
  identityCheckRef: string | null;
  trainingPassed: boolean;
  decidedById: string | null;
  decisionReason: string | null;
  decidedAt: string | null;
  /** Masked; the real values only through the audit-logged reveal endpoint. */
  realName: string;
  idNumber: string;
}

const DECISION_ACTION: Record<ReviewDecision, string> = { approve: 'vetting.approve', reject: 'vetting.reject', request_changes: 'vetting.request_changes' };
const RESULT_TEXT: Partial<Record<ApplicationStatus, string>> = { APPROVED: '已通过', REJECTED: '未通过', CHANGES_REQUESTED: '需修改' };

function encodeCursor(a: { submittedAt: Date; id: string }): string {
  return Buffer.from(`${a.submittedAt.toISOString()}|${a.id}`).toString('base64url');
}

function decodeCursor(cursor: string): { submittedAt: Date; id: string } {
  const [at, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  const submittedAt = new Date(at);
  if (!id || !/^[0-9a-f-]{36}$/.test(id) || Number.isNaN(submittedAt.getTime())) throw new DomainError('request/invalid', 'cursor 无效，请从第一页重新加载');
  return { submittedAt, id };
}

const toQueueItem = (a: ListenerApplication): QueueItem => ({
  id: a.id,
  status: a.status,
  alias: a.alias,
  gender: a.gender,
  ageRange: a.ageRange,
  topics: a.topics,
  identityVerified: a.identityVerified,
  certificateClaim: a.certificateFileIds.length > 0,
  firstReviewerId: a.firstReviewerId,
  submittedAt: a.submittedAt.toISOString(),
});

/**
 * The reviewers' side: queue, detail, decisions. Every decision is one transaction: the
 * conditional status update (checked against the transition table), its audit row and, on
 * approval, the listener role and profile. The applicant is notified after the commit.
 */
@Injectable()
export class ReviewService {
  private readonly logger = new Logger(ReviewService.name);

  constructor(
    private readonly prisma: PrismaService,
    private readonly audit: AuditService,
    private readonly sensitive: SensitiveDataService,
    private readonly storage: StorageService,
    private readonly training: TrainingService,
    private readonly wechat: WechatApiClient,
    private readonly config: AppConfig,
  ) {}

  /** Oldest first; by default everything a reviewer can act on. */
  async queue(query: QueueQuery): Promise<{ items: QueueItem[]; nextCursor: string | null }> {
    const after = query.cursor ? decodeCursor(query.cursor) : undefined;
    const rows = await this.prisma.client.listenerApplication.findMany({
      where: {
        status: query.status ? query.status : { in: [...OPEN_FOR_REVIEW] },
        ...(after ? { OR: [{ submittedAt: { gt: after.submittedAt } }, { submittedAt: after.submittedAt, id: { gt: after.id } }] } : {}),
      },
      orderBy: [{ submittedAt: 'asc' }, { id: 'asc' }],
      take: query.limit + 1,
    });
    const items = rows.slice(0, query.limit);
    return { items: items.map(toQueueItem), nextCursor: rows.length > query.limit ? encodeCursor(items[items.length - 1]) : null };
  }

  async detail(id: string): Promise<ApplicationDetail> {
    const a = await this.find(id);
    const files = await this.storage.filesOf([...a.certificateFileIds, ...(a.voiceIntroFileId ? [a.voiceIntroFileId] : [])]);
    const meta = (f: { id: string; mimeType: string; sizeBytes: number }) => ({ id: f.id, mimeType: f.mimeType, sizeBytes: f.sizeBytes });
    const voice = files.find((f) => f.id === a.voiceIntroFileId);
    return {
      ...toQueueItem(a),
      userId: a.userId,
      intro: a.intro,
      tags: a.tags,
      experience: a.experience,
      scenarioAnswer: a.scenarioAnswer,
      certificates: a.certificateFileIds.map((fid) => files.find((f) => f.id === fid)).filter((f) => f !== undefined).map(meta),
      voiceIntro: voice ? meta(voice) : null,
      identityCheckRef: a.identityCheckRef,
      trainingPassed: await this.training.hasPassed(a.userId),
      decidedById: a.decidedById,
      decisionReason: a.decisionReason,
      decidedAt: a.decidedAt?.toISOString() ?? null,
      realName: '***',
      idNumber: '******************',
    };
  }

  /** The real name or ID number, decrypted through SensitiveDataService (audit-logged). */
  async reveal(actor: AuthUser, id: string, field: 'realName' | 'idNumber'): Promise<{ field: string; value: string }> {
    const a = await this.find(id);
    const stored = field === 'realName' ? a.realNameEnc : a.idNumberEnc;
    return { field, value: await this.sensitive.read(actor, { type: 'listener_application', id: a.id }, field, stored) };
  }

  async decide(actor: AuthUser, id: string, decision: ReviewDecision, reason?: string): Promise<ApplicationDetail> {
    const a = await this.find(id);
    const claimsCertificate = a.certificateFileIds.length > 0;
    const to = targetOf(decision, a.status, claimsCertificate);
    if (!to) throw new DomainError('vetting/already_decided');
    if (decision === 'approve' && a.status === 'AWAITING_SECOND_REVIEW' && a.firstReviewerId === actor.id) throw new DomainError('vetting/second_reviewer_required');
    if (decision === 'approve' && to === 'APPROVED' && !(await this.training.hasPassed(a.userId))) throw new DomainError('vetting/training_incomplete');

    const now = new Date();
    const data: Prisma.ListenerApplicationUpdateManyMutationInput =
      to === 'AWAITING_SECOND_REVIEW'
        ? { status: to, firstReviewerId: actor.id }
        : { status: to, decidedById: actor.id, decidedAt: now, decisionReason: reason ?? null };

    await this.prisma.client.$transaction(async (tx) => {
      const { count } = await tx.listenerApplication.updateMany({ where: { id, status: a.status }, data });
      if (count === 0) throw new DomainError('vetting/already_decided');
      await this.audit.record({
        actorId: actor.id,
        action: DECISION_ACTION[decision],
        subjectType: 'listener_application',
        subjectId: id,
        detail: { from: a.status, to, applicantId: a.userId, ...(reason ? { reason } : {}), ...(claimsCertificate ? { certificateClaim: true } : {}) },
      }, tx);
      if (to === 'APPROVED') await this.makeListener(tx, actor, a, claimsCertificate && a.status === 'AWAITING_SECOND_REVIEW');
    });

    if (to === 'APPROVED' || to === 'REJECTED' || to === 'CHANGES_REQUESTED') void this.notify(a.userId, to, reason);
    return this.detail(id);
  }

  /** Approval's effects, inside the decision's transaction. */
  private async makeListener(tx: Prisma.TransactionClient, actor: AuthUser, a: ListenerApplication, certified: boolean): Promise<void> {
    if (!(await this.training.hasPassed(a.userId, tx))) throw new DomainError('vetting/training_incomplete');
    const user = await tx.user.findUniqueOrThrow({ where: { id: a.userId }, select: { roles: true, deletedAt: true } });
    if (user.deletedAt) throw new DomainError('vetting/already_decided', '申请人已注销账号');
    const roles: Role[] = user.roles.includes('LISTENER') ? user.roles : [...user.roles, 'LISTENER'];
    // The alias applied with (moderated at submission) becomes the public alias.
    await tx.user.update({ where: { id: a.userId }, data: { roles, alias: a.alias } });
    await tx.listenerProfile.create({
      data: {
        userId: a.userId,
        gender: a.gender,
        intro: a.intro,
        topics: a.topics,
        tags: a.tags,
        ageRange: a.ageRange,
        tier: 'NEW',
        status: 'ACTIVE',
        online: false,
        certified,
        priceTextFen: DEFAULT_NEW_TEXT_PRICE_FEN,
        voiceIntroFileId: a.voiceIntroFileId,
        searchText: listenerSearchText(a.alias, a.intro, a.tags),
      },
    });
    await this.audit.record({ actorId: actor.id, action: 'listener.create', subjectType: 'listener', subjectId: a.userId, detail: { applicationId: a.id, tier: 'NEW', certified } }, tx);
  }

  /** Subscribe message with the decision; a failure is logged, never undoes the decision. */
  private async notify(userId: string, status: ApplicationStatus, reason?: string): Promise<void> {
    try {
      const { openid } = await this.prisma.client.user.findUniqueOrThrow({ where: { id: userId }, select: { openid: true } });
      await this.wechat.sendSubscribeMessage({
        touser: openid,
        template_id: this.config.WECHAT_TEMPLATE_VETTING_RESULT,
        page: 'packages/apply/index',
        data: {
          thing1: { value: '倾听者入驻申请' },
          phrase2: { value: RESULT_TEXT[status] ?? status },
          thing3: { value: (reason ?? (status === 'APPROVED' ? '欢迎加入倾听，去工作台开始接单吧' : '详情请在小程序中查看')).slice(0, 20) },
          time4: { value: new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 16).replace('T', ' ') },
        },
      });
    } catch (err) {
      this.logger.warn({ err, userId, status }, 'vetting decision notification failed');
    }
  }

  private async find(id: string): Promise<ListenerApplication> {
    const a = await this.prisma.client.listenerApplication.findUnique({ where: { id } });
    if (!a) throw new DomainError('vetting/application_not_found');
    return a;
  }
}

