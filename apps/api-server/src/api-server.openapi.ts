import type { OpenAPIObject } from '@nestjs/swagger';
import { validateEnv } from '@ppt/config';
import { generateOpenApiDocument, type OpenApiInfo } from '@ppt/http';
import { ApiServerEnv } from './api-server.env';
import { AppModule } from './app.module';

/**
 * What api-server's OpenAPI document says about itself. `version` follows docs/api-changelog.md: a
 * breaking change bumps the major version (and is named there), an addition the minor one.
 */
export const API_SERVER_OPENAPI: OpenApiInfo = {
  title: 'Property Management API',
  description:
    'Buildings, units, residents, leases, faults and the rest of the PM platform; identity provider.\n\n' +
    'Errors answer with `{"error":{"code","message","details"?,"requestId"}}`; each error answer lists ' +
    'its codes. Lists page with `limit` (1–100) and `offset`.',
  version: '1.2.0',
  servers: [{ url: 'http://localhost:3000', description: 'Local development (npm start)' }],
  contact: { name: 'PPT platform team' },
  // package.json: UNLICENSED; a proprietary licence has no public text to link to.
  license: { name: 'Proprietary (UNLICENSED)' },
  security: {
    defaultScheme: 'bearer',
    schemes: {
      bearer: {
        type: 'http',
        scheme: 'bearer',
        bearerFormat: 'JWT',
        description:
          'Access token from POST /api/v1/auth/login (users) or POST /api/v1/oauth/token (services, client credentials)',
      },
      oauthClient: {
        type: 'http',
        scheme: 'basic',
        description:
          'OAuth client authentication (RFC 6749 §2.3.1): client id and secret; they may also go in the body',
      },
    },
  },
};

/**
 * The document, built without a database or Redis (the app's modules wired in preview mode), from
 * fixed settings so it does not depend on the machine: `npm run openapi` commits it, tests compare.
 */
export function generateApiServerDocument(): Promise<OpenAPIObject> {
  const env = validateEnv(ApiServerEnv, {
    NODE_ENV: 'test',
    DATABASE_URL: 'postgres://openapi@127.0.0.1:5432/openapi',
    REDIS_URL: 'redis://127.0.0.1:6379',
    // Never used: preview mode creates no provider, so nothing signs.
    AUTH_JWT_PRIVATE_KEY: 'not-a-key-'.repeat(12),
  });
  return generateOpenApiDocument(AppModule.register(env), API_SERVER_OPENAPI);
}
