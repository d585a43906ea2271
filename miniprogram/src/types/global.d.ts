/// <reference types="@tarojs/taro" />

declare module '*.png'
declare module '*.svg'
declare module '*.scss'

declare namespace NodeJS {
  interface ProcessEnv {
    NODE_ENV: 'development' | 'production' | 'test'
    /** The platform being built: this app targets weapp and h5. */
    TARO_ENV: 'weapp' | 'h5' | string
    /** API base URL baked in at build time (config/index.ts). */
    TARO_APP_API_BASE?: string
  }
}
