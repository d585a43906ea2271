import { useState } from 'react'
import { Image, Input, Text, View } from '@tarojs/components'
import Taro, { useDidShow } from '@tarojs/taro'
import { assetUrl, errorMessage } from '../../services/api'
import { changeAlias, deleteAccount, fetchMe, loginAgain, logout, meEntries, shuffleAvatar, type Me } from '../../services/me'
import './index.scss'

type State = { kind: 'loading' } | { kind: 'error'; message: string } | { kind: 'signedOut' } | { kind: 'ready'; me: Me }

export default function MePage() {
  const [state, setState] = useState<State>({ kind: 'loading' })
  const [editing, setEditing] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)

  async function load(action: () => Promise<Me> = fetchMe) {
    try {
      setState({ kind: 'ready', me: await action() })
    } catch (err) {
      setState({ kind: 'error', message: errorMessage(err) })
    }
  }

  useDidShow(() => {
    if (state.kind !== 'signedOut') void load()
  })

  async function run(action: () => Promise<Me>, done?: string) {
    if (busy) return
    setBusy(true)
    try {
      setState({ kind: 'ready', me: await action() })
      setEditing(null)
      if (done) Taro.showToast({ title: done, icon: 'success' })
    } catch (err) {
      Taro.showToast({ title: errorMessage(err), icon: 'none' })
    } finally {
      setBusy(false)
    }
  }

  async function onLogout() {
    await logout()
    setState({ kind: 'signedOut' })
  }

  async function onDelete() {
    const { confirm } = await Taro.showModal({ title: '注销账号', content: '注销后你的昵称、头像和手机号会被清除，且无法恢复。确定注销吗？', confirmText: '注销', confirmColor: '#d9534f' })
    if (!confirm) return
    try {
      await deleteAccount()
      setState({ kind: 'signedOut' })
      Taro.showToast({ title: '账号已注销', icon: 'none' })
    } catch (err) {
      Taro.showToast({ title: errorMessage(err), icon: 'none' })
    }
  }

  if (state.kind === 'loading') return <View className='me me--center'><Text className='me__hint'>加载中…</Text></View>
  if (state.kind === 'error') {
    return (
      <View className='me me--center' onClick={() => load()}>
        <Text className='me__hint'>{state.message}，点击重试</Text>
      </View>
    )
  }
  if (state.kind === 'signedOut') {
    return (
      <View className='me me--center'>
        <Text className='me__hint'>你已退出登录</Text>
        <View className='me__button me__login' onClick={() => load(loginAgain)}>微信登录</View>
      </View>
    )
  }

  const { me } = state
  return (
    <View className='me'>
      <View className='me__card'>
        <Image className='me__avatar' src={assetUrl(me.avatarUrl)} onClick={() => run(shuffleAvatar, '已换新头像')} />
        <View className='me__who'>
          {editing === null ? (
            <View className='me__alias-row' onClick={() => setEditing(me.alias)}>
              <Text className='me__alias'>{me.alias}</Text>
              <Text className='me__edit'>修改</Text>
            </View>
          ) : (
            <View className='me__alias-row'>
              <Input className='me__alias-input' value={editing} maxlength={16} focus onInput={(e) => setEditing(e.detail.value)} />
              <Text className='me__edit' onClick={() => run(() => changeAlias(editing), '昵称已更新')}>保存</Text>
              <Text className='me__edit me__edit--muted' onClick={() => setEditing(null)}>取消</Text>
            </View>
          )}
          <Text className='me__hint'>点击头像换一个 · 你的真实身份不会被任何人看到</Text>
        </View>
      </View>

      <View className='me__list'>
        {meEntries(me).map((entry) => (
          <View key={entry.key} className={`me__item me__item--${entry.key}`} onClick={() => Taro.navigateTo({ url: entry.url })}>
            <Text>{entry.label}</Text>
            <Text className='me__arrow'>›</Text>
          </View>
        ))}
      </View>

      <View className='me__list'>
        <View className='me__item' onClick={onLogout}><Text>退出登录</Text></View>
        <View className='me__item me__item--danger' onClick={onDelete}><Text>注销账号</Text></View>
      </View>
      <Text className='me__footnote'>平台不保留聊天记录。本平台不是危机干预或医疗服务，如遇紧急情况请拨打 110 / 120。</Text>
    </View>
  )
}
