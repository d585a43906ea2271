export default definePageConfig({
  navigationBarTitleText: '倾诉室',
  disableScroll: true,
})
