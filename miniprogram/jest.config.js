/**
 * Logic tests: plain Node, no Taro runtime. `@tarojs/taro` is replaced by a tiny fake whose
 * `request`/`login` each test drives; `@qingting/shared` is read from source so tests do not
 * depend on shared having been built.
 * @type {import('jest').Config}
 */
module.exports = {
  displayName: 'miniprogram',
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.spec.ts'],
  transform: {
    '^.+\\.tsx?$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.test.json' }],
  },
  moduleNameMapper: {
    '^@tarojs/taro$': '<rootDir>/test/fakes/taro.ts',
    // Logic tests run as the h5 build would (Taro picks login.h5.ts there).
    '^(.*)/platform/login$': '<rootDir>/src/platform/login.h5.ts',
    '^(.*)/platform/pay$': '<rootDir>/src/platform/pay.h5.ts',
    '^(.*)/workbench/chime$': '<rootDir>/src/packages/workbench/chime.h5.ts',
    '^@qingting/shared$': '<rootDir>/../shared/src/index.ts',
    '^@/(.*)$': '<rootDir>/src/$1',
  },
  clearMocks: true,
}
