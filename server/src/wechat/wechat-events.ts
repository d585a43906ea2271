import { Injectable } from '@nestjs/common';
import { inTx, type Prisma, type SqlReader } from '@qingting/prisma';
import type { PrismaService } from '../infra/database/prisma.service';
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

/**
 * The transaction a notification (or a payment found by a query) is applied in, as plain-SQL
 * handlers see it: `sql` always; `prisma` only when it is a Prisma interactive transaction, and
 * then `sql` runs inside it. A plain-SQL transaction (`Sql.transaction`) costs a fraction of a
 * Prisma one (see `Sql` in @qingting/prisma): the common case of the 200-a-second payment path
 * runs there, and the rare cases that need Prisma code (another module's hook, a refund, an
 * alert) ask for it with `prismaOf`.
 */
export interface EventTx {
  sql: SqlReader;
  prisma?: Prisma.TransactionClient;
}

/** Thrown by `prismaOf` in a plain-SQL transaction: `eventTransaction` rolls it back and runs the work again in a Prisma one. */
export class PrismaTransactionRequired extends Error {
  constructor() {
    super('this event needs a Prisma transaction');
  }
}

/** The Prisma transaction of `tx`; in a plain-SQL one, throws `PrismaTransactionRequired` (so call it before writing anything you would not redo). */
export function prismaOf(tx: EventTx): Prisma.TransactionClient {
  if (!tx.prisma) throw new PrismaTransactionRequired();
  return tx.prisma;
}

/** A Prisma interactive transaction as an `EventTx` (plain SQL runs inside it through `$queryRawUnsafe`). */
export function eventTx(prisma: Prisma.TransactionClient): EventTx {
  return { prisma, sql: inTx(prisma) };
}

/**
 * Runs `fn` in a plain-SQL transaction; when it needs Prisma (`PrismaTransactionRequired`),
 * everything it did is rolled back and it runs again, from the start, in a Prisma transaction.
 * `plainSqlFirst: false` goes to Prisma at once.
 */
export async function eventTransaction<T>(db: Pick<PrismaService, 'sql' | 'client'>, fn: (tx: EventTx) => Promise<T>, plainSqlFirst = true): Promise<T> {
  if (plainSqlFirst) {
    try {
      return await db.sql.transaction((sql) => fn({ sql }));
    } catch (err) {
      if (!(err instanceof PrismaTransactionRequired)) throw err;
    }
  }
  return db.client.$transaction((tx) => fn(eventTx(tx)));
}

/** Runs inside the transaction that records the notification: a throw rolls both back and WeChat retries. */
export type WechatPayEventHandler<K extends NotifyKind> = (event: WechatPayEvent<K>, tx: Prisma.TransactionClient) => Promise<void>;
/** The same, for handlers written in plain SQL (see `EventTx`). */
export type WechatPaySqlEventHandler<K extends NotifyKind> = (event: WechatPayEvent<K>, tx: EventTx) => Promise<void>;

type Registered<K extends NotifyKind> = { plainSql: false; handler: WechatPayEventHandler<K> } | { plainSql: true; handler: WechatPaySqlEventHandler<K> };

/**
 * Where domain modules (orders, refunds, payouts) subscribe to WeChat Pay notifications, in
 * their `onModuleInit`. Typed by kind; several handlers per kind run in registration order. A
 * kind whose handlers are all plain-SQL ones (`onPlainSql`) is processed in a plain-SQL
 * transaction first (see `eventTransaction`); any other in a Prisma transaction.
 */
@Injectable()
export class WechatEvents {
  private readonly handlers: { [K in NotifyKind]: Registered<K>[] } = { transaction: [], refund: [], transfer: [] };

  on<K extends NotifyKind>(kind: K, handler: WechatPayEventHandler<K>): void {
    (this.handlers[kind] as Registered<K>[]).push({ plainSql: false, handler });
  }

  onPlainSql<K extends NotifyKind>(kind: K, handler: WechatPaySqlEventHandler<K>): void {
    (this.handlers[kind] as Registered<K>[]).push({ plainSql: true, handler });
  }

  /** True when every handler of `kind` can run in a plain-SQL transaction. */
  plainSql(kind: NotifyKind): boolean {
    return this.handlers[kind].every((h) => h.plainSql);
  }

  async dispatch<K extends NotifyKind>(event: WechatPayEvent<K>, tx: EventTx): Promise<void> {
    for (const h of this.handlers[event.kind] as Registered<K>[]) {
      if (h.plainSql) await h.handler(event, tx);
      else await h.handler(event, prismaOf(tx));
    }
  }
}
