import { Injectable } from '@nestjs/common';
import type { Prisma } from '@qingting/prisma';
import type { NotificationEventType, RefundNotificationResource, Transaction, TransferNotificationResource } from './protocol/types';

export type NotifyKind = 'transaction' | 'refund' | 'transfer';
export const NOTIFY_KINDS: readonly NotifyKind[] = ['transaction', 'refund', 'transfer'];

interface ResourceByKind {
  transaction: Transaction;
  refund: RefundNotificationResource;
  transfer: TransferNotificationResource;
}

/** A verified, decrypted WeChat Pay notification, handed to the domain once. */
export interface WechatPayEvent<K extends NotifyKind = NotifyKind> {
  kind: K;
  notificationId: string;
  eventType: NotificationEventType;
  resource: ResourceByKind[K];
}

/** Runs inside the transaction that records the notification: a throw rolls both back and WeChat retries. */
export type WechatPayEventHandler<K extends NotifyKind> = (event: WechatPayEvent<K>, tx: Prisma.TransactionClient) => Promise<void>;

/**
 * Where domain modules (orders, refunds, payouts) subscribe to WeChat Pay notifications, in
 * their `onModuleInit`. Typed by kind; several handlers per kind run in registration order.
 */
@Injectable()
export class WechatEvents {
  private readonly handlers: { [K in NotifyKind]: WechatPayEventHandler<K>[] } = { transaction: [], refund: [], transfer: [] };

  on<K extends NotifyKind>(kind: K, handler: WechatPayEventHandler<K>): void {
    (this.handlers[kind] as WechatPayEventHandler<K>[]).push(handler);
  }

  async dispatch<K extends NotifyKind>(event: WechatPayEvent<K>, tx: Prisma.TransactionClient): Promise<void> {
    for (const handler of this.handlers[event.kind] as WechatPayEventHandler<K>[]) await handler(event, tx);
  }
}
