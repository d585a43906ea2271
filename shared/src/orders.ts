/**
 * In the `returnUrl` of `POST /api/orders/checkout` (create and prepay at once), where the new
 * order's id goes: the client cannot know it before the call. Replaced as is or URL-encoded.
 */
export const ORDER_ID_PLACEHOLDER = '{orderId}';
