export {
  AppRoleCheck,
  CONFINED_TO_SCHEMA,
  reachableOutside,
  readRoleFlags,
  roleProblems,
  RUNS_PLATFORM_JOBS,
  type ReachableRole,
  type RoleFlags,
} from './app-role.check';
export { buildDataSourceOptions, type DatabaseSettings } from './data-source-options';
export { DatabaseModule, type DatabaseModuleOptions } from './database.module';
export { DatabaseReadiness } from './database.readiness';
export { decimal, money } from './column-transformers';
export { MEMBERSHIP_ROLES, type MembershipRole } from './membership-roles';
export { type OrganizationId, trustedOrganizationId } from './organization-id';
export { type OrganizationScope, TenantRepository, type TenantRow } from './tenant-repository';
export { SnakeNamingStrategy } from './snake-naming.strategy';
export {
  JOB_SCOPES,
  PLATFORM_JOBS_ROLE,
  runInJobScope,
  TenantTransactions,
  type JobScope,
  type PlatformScope,
  type RequestPlatformScope,
  type TenantScope,
} from './tenant-transactions';
