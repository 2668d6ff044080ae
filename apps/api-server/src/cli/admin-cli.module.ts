import { Module, type DynamicModule } from '@nestjs/common';
import { PM_ENTITIES } from '@ppt/api-db';
import { AuditCoreModule, MailEnv } from '@ppt/api-shared';
import {
  IdentityEnv,
  OperatorCoreModule,
  OrganizationsCoreModule,
  SessionsModule,
  UsersModule,
} from '@ppt/api-identity-core';
import { CoreEnv, validateEnv, type RawEnv } from '@ppt/config';
import { DatabaseModule } from '@ppt/db';
import { RedisModule } from '@ppt/redis';
import { ApiServerEnv } from '../api-server.env';

/**
 * What the admin CLI's commands run on: the identity cores (so an operator's change is audited and
 * emits its events as the HTTP path's does), the audit writer and unit of work, Redis (sessions end
 * there too) and the database as the role the CLI is given (DATABASE_MIGRATION_URL, the owner: an
 * explicit unscoped path, see DatabaseModule.forOperator). Nothing HTTP, no queues, no workers.
 */
@Module({})
export class AdminCliModule {
  static register(raw: RawEnv, databaseUrl: string): DynamicModule {
    // CoreEnv (Redis) is validated from the environment; the identity and mail slices keep ApiServerEnv's
    // defaults: the CLI signs no token and sends no mail, so it needs none of the app's secrets.
    const env = Object.assign(new ApiServerEnv(), validateEnv(CoreEnv, raw));
    return {
      module: AdminCliModule,
      global: true,
      imports: [
        DatabaseModule.forOperator({
          url: databaseUrl,
          applicationName: 'ppt-admin-cli',
          entities: PM_ENTITIES,
        }),
        RedisModule,
        AuditCoreModule,
        UsersModule,
        SessionsModule,
        OrganizationsCoreModule,
        OperatorCoreModule,
      ],
      providers: [
        { provide: CoreEnv, useValue: env },
        { provide: IdentityEnv, useValue: env },
        { provide: MailEnv, useValue: env },
      ],
      exports: [CoreEnv, IdentityEnv, MailEnv],
    };
  }
}
