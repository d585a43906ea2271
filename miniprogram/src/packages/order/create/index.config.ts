export default definePageConfig({
  navigationBarTitleText: '立即倾诉',
})
