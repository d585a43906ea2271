import type { UserConfigExport } from '@tarojs/cli'

// `taro build` without --watch runs with NODE_ENV=production: terser (JS) and CSS minification are on by default.
export default {
  mini: {},
  h5: {},
} satisfies UserConfigExport<'webpack5'>
