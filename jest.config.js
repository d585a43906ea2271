/**
 * `pnpm test` runs every project: pure logic (shared, miniprogram), database (prisma), the
 * server's unit and e2e specs, and the browser test of the H5 build.
 * @type {import('jest').Config}
 */
module.exports = {
  projects: ['<rootDir>/shared', '<rootDir>/prisma', '<rootDir>/server', '<rootDir>/miniprogram', '<rootDir>/miniprogram/e2e'],
  testTimeout: 60000,
};
