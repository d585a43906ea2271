import { Text, View } from '@tarojs/components'

export default function Community() {
  return (
    <View className='placeholder-page'>
      <Text className='placeholder-page__title'>社区</Text>
      <Text className='placeholder-page__text'>社区即将上线</Text>
    </View>
  )
}
