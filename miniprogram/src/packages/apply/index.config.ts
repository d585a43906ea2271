export default definePageConfig({ navigationBarTitleText: '成为倾听者' })
