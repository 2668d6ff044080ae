export { createEmptyDatabase, createTestDatabase, prepareTemplateDatabase, type TestDatabase } from './template-database';
export { assertRedisReachable, testRedisPrefix } from './test-redis';
export {
  databaseUrl,
  TEST_APP_ROLE,
  TEST_DATABASE_ADMIN_URL,
  TEST_REDIS_URL,
  templateDatabaseName,
  WORKSPACE_ROOT,
} from './test-services';
export { closedPort } from './closed-port';
