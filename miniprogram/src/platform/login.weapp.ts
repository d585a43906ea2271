import Taro from '@tarojs/taro'

/** WeChat: `wx.login` returns a code valid for 5 minutes that the server trades via code2session. */
export async function getLoginCode(): Promise<string> {
  const res = await Taro.login()
  if (!res.code) throw new Error(`微信登录失败：${res.errMsg}`)
  return res.code
}
