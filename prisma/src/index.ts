export * from '../generated/client/client';
export { inTx, openDatabase, type Database, type Sql, type SqlReader } from './client';
export { databaseTargetFromEnv, workspaceRoot, type DatabaseTarget } from './database-target';
export { applyMigrations } from './migrations';
export { pgPoolConfig } from './pg-adapter';
export { DEMO_OPERATOR_OPENID, DEMO_TALKER_OPENID, seedDemoData, simulatorOpenid, type SeedSummary } from './seed';
export { createTestDatabase, dropTestDatabase, testServerUrl } from './testing';
