/**
 * Platform adapter for the login code (Taro multi-platform files): the build resolves
 * `platform/login` to `login.weapp.ts` or `login.h5.ts`; this declaration is what TypeScript sees.
 * Both implementations are checked against it in test/login.spec.ts.
 */

/** A one-time code the server exchanges for a session: WeChat's `wx.login` code, or a dev code on h5. */
export declare function getLoginCode(): Promise<string>
