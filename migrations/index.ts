export { migrationDataSource } from './data-source';
export { MIGRATIONS } from './migration-list';
export { ensureServiceRoles, SERVICE_GROUPS, type LoginRole, type ServiceLogins } from './roles';
