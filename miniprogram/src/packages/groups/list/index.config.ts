export default definePageConfig({ navigationBarTitleText: '付费群组', enablePullDownRefresh: true })
