import { Module, type DynamicModule } from '@nestjs/common';
import { loadEnv, type EnvClass, type RawEnv } from '@ppt/config';
import { getMetadataStorage } from 'class-validator';
import { testSigningKey } from '@ppt/testing';

/** A context's env slice as a DI token (`IdentityEnv`, `DocumentsEnv`, …); some are abstract classes. */
export type EnvSlice = abstract new (...args: never[]) => object;

/**
 * What api-server's env class sets itself rather than through a slice's mixin (the identity and mail
 * slices' fields), for tests: its defaults, a test signing key and mail to the log.
 */
const APP_FIELDS = {
  NODE_ENV: 'test',
  AUTH_ISSUER: 'http://api.test',
  AUTH_AUDIENCE: 'ppt',
  AUTH_PORTAL_AUDIENCE: 'ppt-portal',
  AUTH_JWT_PREVIOUS_PUBLIC_KEYS: [],
  AUTH_ACCESS_TOKEN_TTL_S: 900,
  AUTH_SERVICE_TOKEN_TTL_S: 900,
  AUTH_REFRESH_IDLE_TTL_S: 14 * 24 * 3600,
  AUTH_REFRESH_ABSOLUTE_TTL_S: 30 * 24 * 3600,
  AUTH_MAX_FAILED_LOGINS_PER_ACCOUNT: 5,
  AUTH_MAX_ATTEMPTS_PER_IP: 50,
  AUTH_MAX_FAILED_ATTEMPTS_PER_IP: 20,
  AUTH_LOCKOUT_FIRST_S: 30,
  AUTH_MAX_PASSWORD_RESETS_PER_ACCOUNT: 3,
  AUTH_LIMIT_WINDOW_S: 900,
  OPERATOR_SESSION_IDLE_S: 1800,
  APP_PUBLIC_URL: 'http://app.test',
  MAIL_TRANSPORT: 'log',
  MAIL_FROM: 'PPT <no-reply@app.test>',
};

/**
 * Provides each slice a test names as one environment object, as api-server's EnvSlicesModule provides
 * every slice as its one validated env: each slice class validates its own fields (an abstract slice
 * has none), on top of the app's own fields. The test names the slices because this lib may not import
 * the cores (their int-specs import it).
 */
@Module({})
export class TestEnvSlicesModule {
  static forSlices(slices: EnvSlice[], raw: RawEnv): DynamicModule {
    const env = Object.assign(
      { AUTH_JWT_PRIVATE_KEY: testSigningKey(), ...APP_FIELDS },
      ...slices.filter(declaresFields).map((slice) => loadEnv(slice as unknown as EnvClass<object>, raw)),
    );
    return {
      module: TestEnvSlicesModule,
      global: true,
      providers: slices.map((slice) => ({ provide: slice, useValue: env })),
      exports: slices,
    };
  }
}

/** An abstract slice (identity, mail) declares no validated field: the app's own fields fill it. */
function declaresFields(slice: EnvSlice): boolean {
  return getMetadataStorage().getTargetValidationMetadatas(slice as unknown as new () => object, '', true, false).length > 0;
}
