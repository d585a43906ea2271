import type { Order } from '@qingting/prisma';

/**
 * The `orders` columns under the Prisma `Order` field names, so plain-SQL reads on the checkout
 * hot path (see `Sql` in @qingting/prisma) return rows of the same shape as Prisma's.
 */
export const ORDER_COLUMNS = [
  'id', 'out_trade_no AS "outTradeNo"', 'kind', 'talker_id AS "talkerId"', 'listener_id AS "listenerId"',
  'service_type AS "serviceType"', 'topic', 'units', 'unit_price_fen AS "unitPriceFen"', 'minutes',
  'package_id AS "packageId"', 'subtotal_fen AS "subtotalFen"', 'points_discount_fen AS "pointsDiscountFen"',
  'total_fen AS "totalFen"', 'refunded_fen AS "refundedFen"', 'status', 'prepay_id AS "prepayId"',
  'transaction_id AS "transactionId"', 'pay_by AS "payBy"', 'paid_at AS "paidAt"', 'accept_by AS "acceptBy"',
  'accepted_at AS "acceptedAt"', 'closed_at AS "closedAt"', 'parent_order_id AS "parentOrderId"',
  'gift_code AS "giftCode"', 'group_id AS "groupId"', 'term_days AS "termDays"', 'created_at AS "createdAt"', 'updated_at AS "updatedAt"',
].join(', ');

/** ORDER_COLUMNS plus the payer's openid (`talkerOpenid`), which checkout and payment checks need. */
export const ORDER_WITH_PAYER_COLUMNS = `${ORDER_COLUMNS}, (SELECT openid FROM users u WHERE u.id = orders.talker_id) AS "talkerOpenid"`;

export type OrderWithPayer = Order & { talkerOpenid: string | null };

/** The fields a new order is inserted with (the rest take their column defaults). */
export type NewOrder = Pick<
  Order,
  'id' | 'outTradeNo' | 'kind' | 'talkerId' | 'listenerId' | 'serviceType' | 'topic' | 'units' | 'unitPriceFen' | 'minutes' | 'packageId' | 'subtotalFen' | 'pointsDiscountFen' | 'totalFen' | 'payBy' | 'parentOrderId' | 'giftCode'
> &
  /** GROUP_MEMBERSHIP orders only: groupId, termDays; checkout writes the prepayId it got first. */
  Partial<Pick<Order, 'groupId' | 'termDays' | 'prepayId'>>;

const NEW_ORDER_FIELDS: readonly (keyof NewOrder)[] = [
  'id', 'outTradeNo', 'kind', 'talkerId', 'listenerId', 'serviceType', 'topic', 'units', 'unitPriceFen', 'minutes',
  'packageId', 'subtotalFen', 'pointsDiscountFen', 'totalFen', 'payBy', 'parentOrderId', 'giftCode', 'groupId', 'termDays', 'prepayId',
];
const NEW_ORDER_COLUMNS = NEW_ORDER_FIELDS.map((f) => f.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`));

/** `INSERT … RETURNING` the whole row, as `[text, values]` for `Sql.query`. */
export function insertOrderSql(order: NewOrder): [string, unknown[]] {
  const placeholders = NEW_ORDER_FIELDS.map((_, i) => `$${i + 1}`).join(', ');
  return [
    `INSERT INTO orders (${NEW_ORDER_COLUMNS.join(', ')}, updated_at) VALUES (${placeholders}, now()) RETURNING ${ORDER_COLUMNS}`,
    NEW_ORDER_FIELDS.map((f) => order[f] ?? null),
  ];
}
