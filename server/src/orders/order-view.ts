import type { Order, OrderTransition, User } from '@qingting/prisma';
import { avatarPath, type Page } from '@qingting/shared';
import { DomainError } from '../common/errors/domain-error';
import { isPackageFunded } from './package-minutes.service';

type PublicUser = Pick<User, 'id' | 'alias' | 'avatarSeed'>;

export interface TransitionView {
  from: string | null;
  to: string;
  reason: string;
  at: string;
}

/** What a party to an order sees. The other party appears by alias and avatar only (and the listener by id). */
export interface OrderView {
  id: string;
  outTradeNo: string;
  kind: 'SESSION' | 'PACKAGE' | 'EXTENSION' | 'GIFT' | 'GROUP_MEMBERSHIP';
  parentOrderId: string | null;
  /** A SESSION order paid with minutes of a topic package (`parentOrderId` is the package's order). */
  paidWithPackage: boolean;
  giftCode: string | null;
  /** GROUP_MEMBERSHIP orders: the group and the days bought. */
  groupId: string | null;
  termDays: number | null;
  status: string;
  serviceType: 'TEXT' | 'VOICE';
  topic: string | null;
  units: number;
  minutes: number;
  unitPriceFen: number;
  subtotalFen: number;
  pointsDiscountFen: number;
  totalFen: number;
  refundedFen: number;
  payBy: string;
  acceptBy: string | null;
  paidAt: string | null;
  acceptedAt: string | null;
  createdAt: string;
  listener: { id: string; alias: string; avatarUrl: string };
  talker: { alias: string; avatarUrl: string };
  myRole: 'talker' | 'listener';
  transitions?: TransitionView[];
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);
const who = (u: PublicUser | undefined) => ({ alias: u?.alias ?? '已注销用户', avatarUrl: avatarPath(u?.avatarSeed ?? 'deleted', u?.alias ?? '已注销用户') });

export function toOrderView(order: Order, users: Map<string, PublicUser>, viewerId: string, transitions?: OrderTransition[]): OrderView {
  const view: OrderView = {
    id: order.id,
    outTradeNo: order.outTradeNo,
    kind: order.kind,
    parentOrderId: order.parentOrderId,
    paidWithPackage: isPackageFunded(order),
    giftCode: order.giftCode,
    groupId: order.groupId,
    termDays: order.termDays,
    status: order.status,
    serviceType: order.serviceType,
    topic: order.topic,
    units: order.units,
    minutes: order.minutes,
    unitPriceFen: order.unitPriceFen,
    subtotalFen: order.subtotalFen,
    pointsDiscountFen: order.pointsDiscountFen,
    totalFen: order.totalFen,
    refundedFen: order.refundedFen,
    payBy: order.payBy.toISOString(),
    acceptBy: iso(order.acceptBy),
    paidAt: iso(order.paidAt),
    acceptedAt: iso(order.acceptedAt),
    createdAt: order.createdAt.toISOString(),
    listener: { id: order.listenerId, ...who(users.get(order.listenerId)) },
    talker: who(users.get(order.talkerId)),
    myRole: viewerId === order.talkerId ? 'talker' : 'listener',
  };
  if (transitions) view.transitions = transitions.map(toTransitionView);
  return view;
}

export function toTransitionView(t: OrderTransition): TransitionView {
  return { from: t.from, to: t.to, reason: t.reason, at: t.at.toISOString() };
}

export function encodeOrderCursor(o: { createdAt: Date; id: string }): string {
  return Buffer.from(`${o.createdAt.toISOString()}|${o.id}`).toString('base64url');
}

export function decodeOrderCursor(cursor: string): { createdAt: Date; id: string } {
  const [at, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  const createdAt = new Date(at);
  if (!id || !/^[0-9a-f-]{36}$/.test(id) || Number.isNaN(createdAt.getTime())) throw new DomainError('request/invalid', 'cursor 无效，请从第一页重新加载');
  return { createdAt, id };
}

/** Keyset condition for "older than the cursor" in (createdAt desc, id desc) order. */
export function olderThan(cursor: string | undefined) {
  if (!cursor) return {};
  const c = decodeOrderCursor(cursor);
  return { OR: [{ createdAt: { lt: c.createdAt } }, { createdAt: c.createdAt, id: { lt: c.id } }] };
}

export function pageOf<T, R extends { createdAt: Date; id: string }>(rows: R[], limit: number, map: (r: R) => T): Page<T> {
  const items = rows.slice(0, limit);
  return { items: items.map(map), nextCursor: rows.length > limit ? encodeOrderCursor(items[items.length - 1]) : null };
}
