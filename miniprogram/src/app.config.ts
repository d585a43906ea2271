export default defineAppConfig({
  pages: [
    'pages/index/index',
    'pages/community/index',
    'pages/messages/index',
    'pages/me/index',
  ],
  // Pages outside the tab bar live in subpackages, grouped by domain, to keep the main package small.
  subPackages: [
    {
      root: 'packages/listener',
      pages: ['profile/index'],
    },
    {
      root: 'packages/order',
      pages: ['create/index', 'detail/index', 'list/index'],
    },
    {
      root: 'packages/workbench',
      pages: ['index'],
    },
    {
      // The listener's earnings and withdrawals.
      root: 'packages/earnings',
      pages: ['index'],
    },
    {
      // The timed session: the chat room (both roles) and the talker's review.
      root: 'packages/session',
      pages: ['room/index', 'review/index'],
    },
    {
      root: 'packages/apply',
      pages: ['index', 'form/index', 'training/index', 'quiz/index'],
    },
    {
      // The ops console (H5, desktop browser): #/packages/ops/index
      root: 'packages/ops',
      pages: ['index'],
    },
    {
      // Paid groups: list, detail with join/renew, group chat, the owner's management, creation.
      root: 'packages/groups',
      pages: ['list/index', 'detail/index', 'room/index', 'manage/index', 'create/index'],
    },
  ],
  window: {
    backgroundTextStyle: 'light',
    navigationBarBackgroundColor: '#ffffff',
    navigationBarTitleText: '倾听',
    navigationBarTextStyle: 'black',
    backgroundColor: '#f6f7f9',
  },
  // Text-only tab bar: no icon images in the main package.
  tabBar: {
    color: '#8a8f99',
    selectedColor: '#2f9e78',
    backgroundColor: '#ffffff',
    borderStyle: 'white',
    list: [
      { pagePath: 'pages/index/index', text: '首页' },
      { pagePath: 'pages/community/index', text: '社区' },
      { pagePath: 'pages/messages/index', text: '消息' },
      { pagePath: 'pages/me/index', text: '我的' },
    ],
  },
})
