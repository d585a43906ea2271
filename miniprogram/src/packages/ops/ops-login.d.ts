/**
 * Platform adapter: the ops console runs in the H5 build. `ops-login.h5.ts` logs in as the
 * simulator's demo operator; `ops-login.weapp.ts` refuses (the console is not for WeChat).
 */
export declare const OPS_LOGIN_AVAILABLE: boolean
export declare function loginAsDemoOperator(): Promise<void>
