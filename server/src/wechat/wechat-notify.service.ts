import { Inject, Injectable, Logger } from '@nestjs/common';
import { DomainError } from '../common/errors/domain-error';
import { PrismaService } from '../infra/database/prisma.service';
import { decryptResource } from './protocol/aead';
import { verifyPlatformSignature } from './protocol/signing';
import type { NotificationEnvelope, NotificationEventType } from './protocol/types';
import { eventTransaction, NotifyKind, WechatEvents, WechatPayEvent } from './wechat-events';
import { WECHAT_SETTINGS, WechatSettings } from './wechat-settings';

const EVENT_TYPES: Record<NotifyKind, NotificationEventType[]> = {
  transaction: ['TRANSACTION.SUCCESS'],
  refund: ['REFUND.SUCCESS', 'REFUND.ABNORMAL', 'REFUND.CLOSED'],
  transfer: ['MCHTRANSFER.BILL.FINISHED'],
};

/** Identifies the business event a notification reports; WeChat may notify the same event under several ids. */
function businessKey(event: WechatPayEvent): string {
  switch (event.kind) {
    case 'transaction': {
      const r = (event as WechatPayEvent<'transaction'>).resource;
      return `transaction:${r.transaction_id ?? r.out_trade_no}:${r.trade_state}`;
    }
    case 'refund': {
      const r = (event as WechatPayEvent<'refund'>).resource;
      return `refund:${r.refund_id}:${r.refund_status}`;
    }
    case 'transfer': {
      const r = (event as WechatPayEvent<'transfer'>).resource;
      return `transfer:${r.transfer_bill_no}:${r.state}`;
    }
  }
}

function merchantOf(event: WechatPayEvent): string | undefined {
  const r = event.resource as { mchid?: string; mch_id?: string };
  return r.mchid ?? r.mch_id;
}

export type NotifyOutcome = 'processed' | 'duplicate';

/**
 * Turns a raw WeChat Pay notification into a domain event exactly once: the signature is
 * checked over the raw bytes before anything is parsed; the resource is decrypted and checked
 * against our merchant; then, in one transaction, the notification is recorded (unique on its
 * id and on the business event) and handed to the subscribed handlers: a plain-SQL transaction
 * when they all allow it, else a Prisma one (see `eventTransaction`). A duplicate is answered
 * as success without touching anything.
 */
@Injectable()
export class WechatNotifyService {
  private readonly logger = new Logger(WechatNotifyService.name);

  constructor(
    @Inject(WECHAT_SETTINGS) private readonly settings: WechatSettings,
    private readonly prisma: PrismaService,
    private readonly events: WechatEvents,
  ) {}

  async receive(kind: NotifyKind, headers: Record<string, string | string[] | undefined>, rawBody: Buffer | undefined): Promise<NotifyOutcome> {
    const body = rawBody ?? Buffer.alloc(0);
    const verified = verifyPlatformSignature(this.settings.pay.platformPublicKeys, headers, body);
    if (!verified.ok) {
      this.logger.warn({ kind, reason: verified.reason, serial: headers['wechatpay-serial'] }, 'rejected WeChat Pay notification');
      throw new DomainError('wechat/notify_signature_invalid', `通知签名验证失败：${verified.reason}`);
    }
    const event = this.decode(kind, body);
    const key = businessKey(event);
    const outcome = await eventTransaction(
      this.prisma,
      async (tx) => {
        const [recorded] = await tx.sql.query(
          `INSERT INTO wechat_notifications (id, event_type, business_key, resource) VALUES ($1, $2, $3, $4::jsonb) ON CONFLICT DO NOTHING RETURNING id`,
          [event.notificationId, event.eventType, key, JSON.stringify(event.resource)],
        );
        if (!recorded) return 'duplicate' as const;
        await this.events.dispatch(event, tx);
        return 'processed' as const;
      },
      this.events.plainSql(kind),
    );
    this.logger.log({ kind, id: event.notificationId, businessKey: key, outcome }, 'WeChat Pay notification');
    return outcome;
  }

  private decode(kind: NotifyKind, body: Buffer): WechatPayEvent {
    const invalid = (why: string) => {
      this.logger.warn({ kind, why }, 'invalid WeChat Pay notification');
      return new DomainError('wechat/notify_invalid', `通知内容无效：${why}`);
    };
    let envelope: NotificationEnvelope;
    try {
      envelope = JSON.parse(body.toString('utf8'));
    } catch {
      throw invalid('body is not JSON');
    }
    if (typeof envelope?.id !== 'string' || !envelope.id || !envelope.resource) throw invalid('missing id or resource');
    if (!EVENT_TYPES[kind].includes(envelope.event_type)) throw invalid(`event ${envelope.event_type} is not a ${kind} notification`);
    let resource: unknown;
    try {
      resource = decryptResource(envelope.resource, this.settings.pay.apiV3Key);
    } catch {
      throw invalid('resource cannot be decrypted');
    }
    const event = { kind, notificationId: envelope.id, eventType: envelope.event_type, resource } as WechatPayEvent;
    if (merchantOf(event) !== this.settings.pay.mchid) throw invalid('resource belongs to another merchant');
    return event;
  }
}
