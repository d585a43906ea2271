import { Injectable } from '@nestjs/common';
import type { Order, Prisma } from '@qingting/prisma';

/**
 * `paid`: an order without an accept step (EXTENSION, GIFT, GROUP_MEMBERSHIP) has just moved to
 * PAID: its handler takes it on. SESSION and PACKAGE orders wait for the listener instead, so
 * their payment runs no hook and stays on the plain-SQL path (see `OrdersService.applyPayment`).
 * `accepted`: a SESSION order has just been accepted. `completed`: a PACKAGE order completed (its
 * minutes used up or expired): its listener's earnings start their dispute window. Handlers run inside the transaction that
 * made the change, so their writes commit or roll back with it, and a throw undoes the change.
 */
export type OrderHookEvent = 'paid' | 'accepted' | 'completed';
export type OrderHook = (order: Order, tx: Prisma.TransactionClient) => Promise<void>;

/**
 * Where other modules react to order changes without the orders module knowing them (sessions
 * open a room on accept and apply paid extensions and gifts). Registered in `onModuleInit`.
 */
@Injectable()
export class OrderHooks {
  private readonly handlers: Record<OrderHookEvent, OrderHook[]> = { paid: [], accepted: [], completed: [] };

  on(event: OrderHookEvent, handler: OrderHook): void {
    this.handlers[event].push(handler);
  }

  async run(event: OrderHookEvent, order: Order, tx: Prisma.TransactionClient): Promise<void> {
    for (const handler of this.handlers[event]) await handler(order, tx);
  }
}
