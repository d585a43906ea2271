import type { ErrorSpec } from '../common/errors/error-codes';

/** Error codes of the orders module (orders, checkout, refunds, catalogue). */
export const ORDER_ERRORS = {
  'order/not_found': { status: 404, message: '找不到这个订单' },
  /** The caller is a party to the order but not in the role this action needs (a talker accepting). */
  'order/forbidden': { status: 403, message: '你不能对这个订单执行该操作' },
  'order/self_order': { status: 400, message: '不能向自己下单' },
  /** The listener is suspended or their profile is hidden. */
  'order/listener_unavailable': { status: 409, message: '这位倾听者暂时无法接单' },
  /** The listener's "accepting orders" toggle is off. */
  'order/listener_offline': { status: 409, message: '这位倾听者当前不在线，请稍后再试或选择其他倾听者' },
  'order/service_not_offered': { status: 400, message: '这位倾听者没有开通该服务' },
  'order/units_out_of_range': { status: 400, message: '购买时长超出允许的范围' },
  /** Exactly one of `units` (a session) or `packageId` (a topic package) must be sent. */
  'order/units_or_package': { status: 400, message: '请选择购买时长或主题套餐（二选一）' },
  'order/package_not_found': { status: 404, message: '这个主题套餐不存在或已下架' },
  /** No such package balance of the caller's with this listener. */
  'order/package_balance_not_found': { status: 404, message: '找不到你在这位倾听者处的套餐' },
  'order/package_service_mismatch': { status: 400, message: '这个套餐不能用于该服务类型' },
  /** The listener has not accepted the package yet, or it was refunded or completed. */
  'order/package_not_usable': { status: 409, message: '这个套餐当前不能使用（倾听者尚未接单或套餐已结束）' },
  'order/package_expired': { status: 409, message: '这个套餐已过期，剩余时长已失效' },
  'order/package_used_up': { status: 409, message: '这个套餐的时长已用完' },
  'order/package_topic_not_mine': { status: 400, message: '套餐话题须是你擅长的话题之一' },
  'order/package_price_out_of_bounds': { status: 400, message: '套餐价格超出你所在等级的范围' },
  'order/package_limit': { status: 409, message: '最多同时上架 5 个主题套餐，请先下架一个' },
  /** Pay was asked for an order that is no longer waiting for payment (closed, paid, expired). */
  'order/not_payable': { status: 409, message: '订单已关闭或已支付，无法再次支付' },
  'order/not_cancellable': { status: 409, message: '订单当前状态不能取消' },
  /** Accept or decline of an order that is no longer waiting for the listener. */
  'order/not_acceptable': { status: 409, message: '订单已被处理，无法接单或拒单' },
  /** A conditional update lost a race: someone else changed the order first. */
  'order/state_changed': { status: 409, message: '订单状态已变化，请刷新后重试' },
  'order/not_refundable': { status: 409, message: '订单当前状态不能退款' },
  /** More than what was paid minus what was (or is being) refunded. */
  'order/refund_too_large': { status: 400, message: '退款金额超过可退金额' },
  /** WeChat Pay could not create the payment; nothing was charged. */
  'order/payment_unavailable': { status: 502, message: '微信支付暂时不可用，请稍后再试' },
} as const satisfies Record<string, ErrorSpec>;
