/** Timer kinds of the orders module (scheduler job kinds; the order id is the key). */
export const ORDER_EXPIRE_JOB = 'order.expire';
export const ORDER_ACCEPT_TIMEOUT_JOB = 'order.accept_timeout';
/** After-commit effects of a payment: listener stats and the listener's notification (exactly once). */
export const ORDER_PAID_JOB = 'order.paid';
/** A topic package's expiry (its balance's `expiresAt`). */
export const PACKAGE_EXPIRE_JOB = 'package.expire';
