import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsOptional, IsString, IsUrl, MinLength, ValidateIf } from 'class-validator';
import { IsIntInRange } from '@ppt/config';
import { MAX_PRESIGN_TTL_SECONDS } from './object-storage';

export const STORAGE_DRIVERS = ['local', 's3'] as const;
export type StorageDriver = (typeof STORAGE_DRIVERS)[number];

const HTTP_URL = { require_tld: false, require_protocol: true, protocols: ['http', 'https'] };
const toBoolean = ({ value }: { value: unknown }) =>
  value === 'true' || value === '1' ? true : value === 'false' || value === '0' ? false : value;

// Mixins must accept any constructor arguments (TypeScript rule for mixin classes).
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type EnvBase = new (...args: any[]) => object;

/**
 * Adds the storage variables to an env class, so an app validates them with its own in one pass:
 * `class ApiServerEnv extends withStorageEnv(CoreEnv) { … }`.
 */
export function withStorageEnv<TBase extends EnvBase>(Base: TBase) {
  class WithStorageEnv extends Base {
    /** `local` keeps files on disk (quick start); `s3` uses AWS S3 or an S3-compatible store. */
    @IsIn(STORAGE_DRIVERS)
    STORAGE_DRIVER: StorageDriver = 'local';

    @IsString()
    @MinLength(1)
    STORAGE_LOCAL_ROOT = '.data/storage';

    /**
     * HMAC key of the local driver's presigned URLs. Optional here so an app can supply its own
     * fallback (api-server derives one from its token signing key); createObjectStorage refuses the
     * local driver without a secret from either source.
     */
    @IsOptional()
    @IsString()
    @MinLength(32)
    STORAGE_SIGNING_SECRET?: string;

    /** Base of the local driver's presigned URLs; the api-server serves `<base>/<key>`. */
    @IsUrl(HTTP_URL, { message: 'must be an http(s) URL' })
    STORAGE_PUBLIC_BASE_URL = 'http://localhost:3000/api/v1/storage';

    /** Default lifetime of presigned URLs (S3 allows at most 7 days). */
    @IsIntInRange(1, MAX_PRESIGN_TTL_SECONDS)
    STORAGE_PRESIGN_TTL_SECONDS = 900;

    /** Unset = AWS; set for MinIO or another S3-compatible store. */
    @IsOptional()
    @IsUrl(HTTP_URL, { message: 'must be an http(s) URL' })
    S3_ENDPOINT?: string;

    @IsString()
    @MinLength(1)
    S3_REGION = 'us-east-1';

    @ValidateIf((env: WithStorageEnv) => env.STORAGE_DRIVER === 's3')
    @IsString()
    @MinLength(3)
    S3_BUCKET?: string;

    @Transform(toBoolean)
    @IsBoolean({ message: 'must be true or false' })
    S3_FORCE_PATH_STYLE = false;

    /** Both or neither; neither = the SDK's default credential chain (e.g. an IAM role). */
    @ValidateIf(
      (env: WithStorageEnv) =>
        env.STORAGE_DRIVER === 's3' && (!!env.S3_ACCESS_KEY_ID || !!env.S3_SECRET_ACCESS_KEY),
    )
    @IsString()
    @MinLength(1)
    S3_ACCESS_KEY_ID?: string;

    @ValidateIf(
      (env: WithStorageEnv) =>
        env.STORAGE_DRIVER === 's3' && (!!env.S3_ACCESS_KEY_ID || !!env.S3_SECRET_ACCESS_KEY),
    )
    @IsString()
    @MinLength(1)
    S3_SECRET_ACCESS_KEY?: string;
  }
  return WithStorageEnv;
}

/** The storage variables alone: `loadEnv(StorageEnv)` for a process that composes nothing else. */
export class StorageEnv extends withStorageEnv(class {}) {}

/** What StorageModule.forRoot needs: any env object carrying the storage variables. */
export type StorageSettings = Pick<
  StorageEnv,
  | 'STORAGE_DRIVER'
  | 'STORAGE_LOCAL_ROOT'
  | 'STORAGE_SIGNING_SECRET'
  | 'STORAGE_PUBLIC_BASE_URL'
  | 'STORAGE_PRESIGN_TTL_SECONDS'
  | 'S3_ENDPOINT'
  | 'S3_REGION'
  | 'S3_BUCKET'
  | 'S3_FORCE_PATH_STYLE'
  | 'S3_ACCESS_KEY_ID'
  | 'S3_SECRET_ACCESS_KEY'
>;
