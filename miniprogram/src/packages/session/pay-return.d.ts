/**
 * Where the H5 cashier sends the browser back to after paying an extension or a gift: the room
 * itself (`pay-return.h5.ts`); WeChat pays in a sheet over the page, so weapp needs none.
 */
export declare function roomReturnUrl(sessionId: string): string
