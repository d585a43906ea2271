import type { ErrorSpec } from '../common/errors/error-codes';

/** Error codes of the paid groups module (PRODUCT.md §7). */
export const GROUP_ERRORS = {
  'group/not_found': { status: 404, message: '找不到这个群组' },
  /** Only SENIOR listeners may create groups. */
  'group/not_senior': { status: 403, message: '只有资深倾听者可以创建付费群组' },
  /** No term price given, or one out of range. */
  'group/no_price': { status: 400, message: '请至少设置一个期限的价格' },
  'group/capacity_out_of_range': { status: 400, message: '群组人数超出允许的范围' },
  /** The term asked for is not offered by this group. */
  'group/term_not_offered': { status: 400, message: '这个群组没有提供该期限' },
  'group/full': { status: 409, message: '群组已满员，暂时无法加入' },
  /** The group is closed, rejected or not yet approved. */
  'group/not_open': { status: 409, message: '群组当前不接受新成员' },
  'group/already_member': { status: 409, message: '你已经是群成员，请使用续费' },
  /** Renew without a membership to renew (never joined, or a reservation still being paid). */
  'group/not_member': { status: 409, message: '你还不是这个群组的成员' },
  /** A renewal would put the end further ahead than allowed. */
  'group/renew_limit': { status: 400, message: '续费后的有效期超出上限，请到期前再续费' },
  /** Another unpaid order for this group is waiting: pay or cancel it first. */
  'group/order_pending': { status: 409, message: '你有一笔该群组的订单尚未支付，请先完成或取消' },
  'group/owner_own_group': { status: 400, message: '不能加入自己创建的群组' },
  'group/not_owner': { status: 403, message: '只有群主可以执行该操作' },
  'group/cannot_remove_owner': { status: 400, message: '不能移除群主' },
  /** The member is not active (left, expired, removed) or changed meanwhile. */
  'group/member_not_active': { status: 409, message: '该成员当前不是有效成员' },
  /** A state change lost a race or is not allowed from the current state. */
  'group/state_changed': { status: 409, message: '群组状态已变化，请刷新后重试' },
  /** Leaving with a refund was asked for after the refund window. */
  'group/refund_window_passed': { status: 409, message: '已超过 72 小时无理由退款期限，退出将不退款' },
  'group/muted': { status: 409, message: '你已被群主禁言' },
} as const satisfies Record<string, ErrorSpec>;
