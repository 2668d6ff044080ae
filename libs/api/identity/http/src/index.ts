export { AuditHttpModule } from './audit/audit.http.module';
export { IdentityHttpModule } from './auth/auth.http.module';
export { OAuthHttpModule } from './oauth/oauth.http.module';
export { OrganizationsHttpModule } from './organizations/organizations.http.module';
export { PlatformAdminHttpModule } from './platform-admin/platform-admin.http.module';
export { QueueBoardLoginHttpModule, QueueBoardModule } from './queue-board/queue-board.http.module';
export { InfrastructureHttpModule } from './infrastructure/infrastructure.http.module';
