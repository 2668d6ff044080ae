import type { DynamicModule, Type } from '@nestjs/common';
import { PM_ENTITIES } from '@ppt/api-db';
import { AuditCoreModule } from '@ppt/api-shared';
import { storageSettingsOf } from '@ppt/api-documents-core';
import { PlatformModule } from '@ppt/platform';
import { StorageModule } from '@ppt/storage';
import type { ApiServerEnv } from './api-server.env';
import { EnvSlicesModule } from './env-slices.module';

/**
 * What both processes import, once (immich's `common` list): the platform (config, database, Redis, queues,
 * observability), object storage, each context's env slice and the audit writer. AppModule adds the HTTP
 * modules, WorkerModule the consumers; each imports the cores it needs, and a core's providers are declared
 * in that core only (app-modules.spec.ts checks it).
 */
export function commonModules(env: ApiServerEnv, role: 'http' | 'worker'): Array<DynamicModule | Type> {
  return [
    role === 'http'
      ? PlatformModule.forRoot({
          env,
          service: 'api-server',
          role: 'http',
          entities: PM_ENTITIES,
          confinedToSchema: 'public',
        })
      : PlatformModule.forRoot({
          env,
          service: 'api-worker',
          role: 'worker',
          entities: PM_ENTITIES,
          confinedToSchema: 'public',
          runsPlatformJobs: true,
        }),
    StorageModule.forRoot(storageSettingsOf(env)),
    EnvSlicesModule,
    AuditCoreModule,
  ];
}
