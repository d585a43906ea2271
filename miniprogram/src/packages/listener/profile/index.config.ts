export default definePageConfig({
  navigationBarTitleText: '倾听者资料',
})
