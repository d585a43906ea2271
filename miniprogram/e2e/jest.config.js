/**
 * Browser tests: the built H5 app, served by the built API process, driven in Debian's
 * Chromium through playwright-core. `pnpm test` builds both first.
 * @type {import('jest').Config}
 */
module.exports = {
  displayName: 'browser',
  testEnvironment: 'node',
  rootDir: __dirname,
  testMatch: ['<rootDir>/**/*.e2e.spec.ts'],
  transform: { '^.+\\.ts$': ['@swc/jest'] },
};
