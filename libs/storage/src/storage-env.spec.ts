import { IsString } from 'class-validator';
import { ConfigValidationError, CoreEnv, validateEnv } from '@ppt/config';
import { StorageEnv, withStorageEnv } from './storage-env';

const SECRET = 's'.repeat(32);

describe('StorageEnv', () => {
  it('defaults to the local driver under .data/storage', () => {
    const env = validateEnv(StorageEnv, { STORAGE_SIGNING_SECRET: SECRET });
    expect(env).toMatchObject({
      STORAGE_DRIVER: 'local',
      STORAGE_LOCAL_ROOT: '.data/storage',
      STORAGE_PRESIGN_TTL_SECONDS: 900,
      S3_FORCE_PATH_STYLE: false,
    });
  });

  it('wants a signing secret of at least 32 characters when one is set, and hides it', () => {
    // Unset is valid here: the app may supply a fallback; createObjectStorage refuses none at all.
    expect(validateEnv(StorageEnv, {}).STORAGE_SIGNING_SECRET).toBeUndefined();
    expect(() => validateEnv(StorageEnv, { STORAGE_SIGNING_SECRET: 'short-secret' })).toThrow(
      /STORAGE_SIGNING_SECRET: .*32 characters.*\(currently set \(hidden\)\)/,
    );
  });

  it('requires a bucket for s3 but no signing secret, and converts booleans and numbers', () => {
    expect(() => validateEnv(StorageEnv, { STORAGE_DRIVER: 's3' })).toThrow(/S3_BUCKET/);
    const env = validateEnv(StorageEnv, {
      STORAGE_DRIVER: 's3',
      S3_BUCKET: 'ppt-documents',
      S3_ENDPOINT: 'http://127.0.0.1:9000',
      S3_FORCE_PATH_STYLE: 'true',
      STORAGE_PRESIGN_TTL_SECONDS: '300',
    });
    expect(env).toMatchObject({
      S3_BUCKET: 'ppt-documents',
      S3_FORCE_PATH_STYLE: true,
      STORAGE_PRESIGN_TTL_SECONDS: 300,
    });
  });

  it('wants both S3 keys or neither (neither = the default AWS credential chain)', () => {
    const s3 = { STORAGE_DRIVER: 's3', S3_BUCKET: 'ppt-documents' };
    expect(() => validateEnv(StorageEnv, { ...s3, S3_ACCESS_KEY_ID: 'AKIA123' })).toThrow(
      /S3_SECRET_ACCESS_KEY/,
    );
    expect(
      validateEnv(StorageEnv, { ...s3, S3_ACCESS_KEY_ID: 'AKIA123', S3_SECRET_ACCESS_KEY: 'secret' })
        .S3_ACCESS_KEY_ID,
    ).toBe('AKIA123');
  });

  it('names every bad value at once', () => {
    let error: ConfigValidationError | undefined;
    try {
      validateEnv(StorageEnv, {
        STORAGE_DRIVER: 'ftp',
        STORAGE_PRESIGN_TTL_SECONDS: String(8 * 24 * 3600),
        S3_FORCE_PATH_STYLE: 'maybe',
        S3_ENDPOINT: 'minio:9000',
        STORAGE_PUBLIC_BASE_URL: 'not a url',
      });
    } catch (err) {
      error = err as ConfigValidationError;
    }
    expect(error?.problems.map((p) => p.split(':')[0]).sort()).toEqual([
      'S3_ENDPOINT',
      'S3_FORCE_PATH_STYLE',
      'STORAGE_DRIVER',
      'STORAGE_PRESIGN_TTL_SECONDS',
      'STORAGE_PUBLIC_BASE_URL',
    ]);
  });

  it('composes into an app env class, validated in one pass', () => {
    class AppEnv extends withStorageEnv(CoreEnv) {
      @IsString()
      APP_NAME = 'api';
    }
    const env = validateEnv(AppEnv, { STORAGE_SIGNING_SECRET: SECRET, REDIS_KEY_PREFIX: 'test:' });
    expect(env).toBeInstanceOf(CoreEnv);
    expect(env).toMatchObject({ REDIS_KEY_PREFIX: 'test:', STORAGE_DRIVER: 'local', APP_NAME: 'api' });
    expect(() => validateEnv(AppEnv, { DB_POOL_MAX: '0', STORAGE_DRIVER: 'ftp' })).toThrow(
      /2 problems[\s\S]*DB_POOL_MAX[\s\S]*STORAGE_DRIVER|2 problems[\s\S]*STORAGE_DRIVER[\s\S]*DB_POOL_MAX/,
    );
  });
});
