import { useState } from 'react'
import { Text, View } from '@tarojs/components'
import Taro from '@tarojs/taro'
import { getLoginCode } from '../../platform/login'
import './index.scss'

export default function Me() {
  const [busy, setBusy] = useState(false)

  // Account sign-in is not wired to the server yet: this only proves the platform adapter works.
  async function onLogin() {
    setBusy(true)
    try {
      await getLoginCode()
      Taro.showToast({ title: '账号功能即将上线', icon: 'none' })
    } catch {
      Taro.showToast({ title: '登录失败，请重试', icon: 'none' })
    } finally {
      setBusy(false)
    }
  }

  return (
    <View className='placeholder-page'>
      <Text className='placeholder-page__title'>我的</Text>
      <Text className='placeholder-page__text'>匿名用户</Text>
      <View className={`me__login${busy ? ' me__login--busy' : ''}`} onClick={busy ? undefined : onLogin}>
        {busy ? '登录中…' : '登录'}
      </View>
    </View>
  )
}
