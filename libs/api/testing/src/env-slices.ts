import type { Provider } from '@nestjs/common';
import { AssistantEnv } from '@ppt/api-assistant-core';
import { NotificationDeliveryEnv, RealtimeEnv } from '@ppt/api-community-core';
import { DocumentSearchEnv, DocumentsEnv } from '@ppt/api-documents-core';
import { IdentityEnv } from '@ppt/api-identity-core';
import { SyndicationEnv } from '@ppt/api-marketing-core';
import { MailEnv } from '@ppt/api-shared';
import { loadEnv, type RawEnv } from '@ppt/config';
import { testSigningKey } from '@ppt/testing';

export type GlobalProvider = Provider & { provide: unknown };

/**
 * Every context's env slice, as api-server's EnvSlicesModule provides them. The validated slices are
 * validated here from the same environment (with the test's overrides); the two the app fills from its
 * own fields (identity and mail) get the app's defaults, a test signing key and mail to the log.
 */
export function envSlices(overrides: RawEnv): GlobalProvider[] {
  const validated = [DocumentsEnv, SyndicationEnv, AssistantEnv, DocumentSearchEnv, RealtimeEnv, NotificationDeliveryEnv];
  return [
    ...validated.map((slice) => ({ provide: slice, useValue: loadEnv(slice, overrides) })),
    {
      provide: MailEnv,
      useValue: { APP_PUBLIC_URL: 'http://app.test', MAIL_TRANSPORT: 'log', MAIL_FROM: 'PPT <no-reply@app.test>' } satisfies MailEnv,
    },
    {
      provide: IdentityEnv,
      useValue: {
        NODE_ENV: 'test',
        AUTH_ISSUER: 'http://api.test',
        AUTH_AUDIENCE: 'ppt',
        AUTH_PORTAL_AUDIENCE: 'ppt-portal',
        AUTH_JWT_PRIVATE_KEY: testSigningKey(),
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
      } satisfies IdentityEnv,
    },
  ];
}
