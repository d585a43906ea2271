export default definePageConfig({
  navigationBarTitleText: '倾听',
  onReachBottomDistance: 120,
})
