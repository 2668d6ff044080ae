import { Module, type DynamicModule, type Provider } from '@nestjs/common';
import { LocalDiskStorage } from './local/local-disk-storage';
import { ObjectStorage } from './object-storage';
import { S3ObjectStorage } from './s3/s3-object-storage';
import { StorageEnv, type StorageSettings } from './storage-env';

/** The driver STORAGE_DRIVER names, built from validated settings. */
export function createObjectStorage(env: StorageSettings): ObjectStorage {
  if (env.STORAGE_DRIVER === 's3') {
    const { S3_ACCESS_KEY_ID: accessKeyId, S3_SECRET_ACCESS_KEY: secretAccessKey } = env;
    return new S3ObjectStorage({
      bucket: required(env.S3_BUCKET, 'S3_BUCKET'),
      region: env.S3_REGION,
      endpoint: env.S3_ENDPOINT,
      forcePathStyle: env.S3_FORCE_PATH_STYLE,
      credentials: accessKeyId && secretAccessKey ? { accessKeyId, secretAccessKey } : undefined,
    });
  }
  return new LocalDiskStorage({
    rootDir: env.STORAGE_LOCAL_ROOT,
    publicBaseUrl: env.STORAGE_PUBLIC_BASE_URL,
    signingSecret: required(env.STORAGE_SIGNING_SECRET, 'STORAGE_SIGNING_SECRET'),
  });
}

/**
 * Provides ObjectStorage with the configured driver, and the settings as StorageEnv (e.g. for
 * STORAGE_PRESIGN_TTL_SECONDS). With the local driver LocalDiskStorage is provided too (the same
 * instance), for the route that serves its signed URLs.
 */
@Module({})
export class StorageModule {
  static forRoot(env: StorageSettings): DynamicModule {
    const providers: Provider[] = [
      { provide: ObjectStorage, useFactory: () => createObjectStorage(env) },
      { provide: StorageEnv, useValue: env },
    ];
    const exported: NonNullable<DynamicModule['exports']> = [ObjectStorage, StorageEnv];
    if (env.STORAGE_DRIVER === 'local') {
      providers.push({ provide: LocalDiskStorage, useExisting: ObjectStorage });
      exported.push(LocalDiskStorage);
    }
    return { module: StorageModule, global: true, providers, exports: exported };
  }
}

function required(value: string | undefined, name: string): string {
  // validateEnv has already refused a missing value; this guards hand-built settings.
  if (!value) throw new Error(`${name} is required for this storage driver`);
  return value;
}
