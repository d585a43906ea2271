import { Text, View } from '@tarojs/components'

export default function Messages() {
  return (
    <View className='placeholder-page'>
      <Text className='placeholder-page__title'>消息</Text>
      <Text className='placeholder-page__text'>消息即将上线</Text>
    </View>
  )
}
