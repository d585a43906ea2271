export default definePageConfig({ navigationBarTitleText: '创建群组' })
