import { Text, View } from '@tarojs/components'
import { useRouter } from '@tarojs/taro'
import './index.scss'

/** Listener profile (subpackage `packages/listener`): a stub until the detail API exists. */
export default function ListenerProfile() {
  const { params } = useRouter()
  const id = params.id ? decodeURIComponent(params.id) : ''
  return (
    <View className='listener-profile'>
      <Text className='listener-profile__title'>倾听者资料</Text>
      <Text className='listener-profile__id'>编号：{id || '未知'}</Text>
      <Text className='listener-profile__soon'>详情即将上线</Text>
    </View>
  )
}
