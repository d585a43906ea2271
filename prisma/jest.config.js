/** @type {import('jest').Config} */
module.exports = {
  displayName: 'prisma',
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  transform: { '^.+\\.tsx?$': ['@swc/jest'] },
};
