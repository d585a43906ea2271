export default definePageConfig({
  navigationBarTitleText: '倾听者工作台',
})
