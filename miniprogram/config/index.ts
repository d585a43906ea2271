import path from 'node:path'
import { defineConfig, type UserConfigExport } from '@tarojs/cli'
import devConfig from './dev'
import prodConfig from './prod'

/**
 * API base URL baked into the bundle as `process.env.TARO_APP_API_BASE`.
 * Taro itself only picks up TARO_APP_* keys that appear in a `.env*` file; setting it here as
 * well makes a plain shell variable work: `TARO_APP_API_BASE=http://127.0.0.1:4000 taro build --type h5`.
 * Unset, the H5 build calls its own origin (the API serves it in the embedded run) and the
 * weapp build calls a local API.
 */
const API_BASE = process.env.TARO_APP_API_BASE ?? (process.env.TARO_ENV === 'h5' ? '' : 'http://localhost:3000')

export default defineConfig<'webpack5'>(async (merge, { mode }) => {
  const baseConfig: UserConfigExport<'webpack5'> = {
    projectName: 'qingting',
    date: '2025-1-1',
    designWidth: 750,
    deviceRatio: {
      640: 2.34 / 2,
      750: 1,
      375: 2,
      828: 1.81 / 2,
    },
    sourceRoot: 'src',
    // Each platform gets its own folder: dist/weapp (root project.config.json points here) and dist/h5.
    outputRoot: `dist/${process.env.TARO_ENV}`,
    plugins: [],
    env: {
      TARO_APP_API_BASE: JSON.stringify(API_BASE),
    },
    defineConstants: {},
    alias: {
      '@': path.resolve(__dirname, '..', 'src'),
    },
    copy: { patterns: [], options: {} },
    framework: 'react',
    compiler: 'webpack5',
    cache: {
      // Persistent webpack cache: off by default so CI builds are reproducible; set TARO_CACHE=1 locally.
      enable: process.env.TARO_CACHE === '1',
    },
    mini: {
      postcss: {
        pxtransform: { enable: true, config: {} },
        cssModules: { enable: false, config: { namingPattern: 'module', generateScopedName: '[name]__[local]___[hash:base64:5]' } },
      },
    },
    h5: {
      // Hash routing + relative public path: dist/h5 can be served by any static server, from any folder.
      publicPath: './',
      staticDirectory: 'static',
      router: { mode: 'hash' },
      // `pnpm dev:h5`: dev server on loopback only (override the port with TARO_H5_PORT).
      devServer: { host: '127.0.0.1', port: Number(process.env.TARO_H5_PORT || 10086) },
      output: {
        filename: 'js/[name].[contenthash:8].js',
        chunkFilename: 'js/[name].[contenthash:8].js',
      },
      miniCssExtractPluginOption: {
        ignoreOrder: true,
        filename: 'css/[name].[contenthash:8].css',
        chunkFilename: 'css/[name].[contenthash:8].css',
      },
      webpackChain(chain) {
        // The h5 build is an ops/test console served locally; webpack's 244 KiB web hint is noise here.
        chain.performance.hints(false)
      },
      postcss: {
        autoprefixer: { enable: true, config: {} },
        cssModules: { enable: false, config: { namingPattern: 'module', generateScopedName: '[name]__[local]___[hash:base64:5]' } },
      },
    },
  }

  if (mode === 'development' || process.env.NODE_ENV === 'development') {
    return merge({}, baseConfig, devConfig)
  }
  return merge({}, baseConfig, prodConfig)
})
