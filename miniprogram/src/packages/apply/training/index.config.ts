export default definePageConfig({ navigationBarTitleText: '倾听者培训' })
