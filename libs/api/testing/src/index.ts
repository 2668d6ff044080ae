export type { EnvSlice } from './env-slices';
export {
  ServiceTestContext,
  TEST_REQUEST_META,
  type OrganizationRef,
  type ServiceTestOptions,
  type TestMember,
} from './service-test-context';
