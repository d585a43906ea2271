export default definePageConfig({ navigationBarTitleText: '倾听 · 运营后台' })
