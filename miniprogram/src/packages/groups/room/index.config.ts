export default definePageConfig({ navigationBarTitleText: '群聊', disableScroll: true })
