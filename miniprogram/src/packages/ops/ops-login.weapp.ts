export const OPS_LOGIN_AVAILABLE = false

export async function loginAsDemoOperator(): Promise<void> {
  throw new Error('运营后台请在电脑浏览器中打开')
}
