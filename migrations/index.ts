export { migrationDataSource } from './data-source';
export { MIGRATIONS } from './migration-list';
export { ensureAppRoles } from './roles';
