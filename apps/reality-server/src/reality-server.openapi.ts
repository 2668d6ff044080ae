import type { OpenAPIObject } from '@nestjs/swagger';
import { validateEnv } from '@ppt/config';
import { generateOpenApiDocument, type OpenApiInfo } from '@ppt/http';
import { AppModule } from './app.module';
import { RealityServerEnv } from './reality-server.env';

/** What the portal's OpenAPI document says about itself (version: see docs/api-changelog.md). */
export const REALITY_SERVER_OPENAPI: OpenApiInfo = {
  title: 'Reality Portal API',
  description:
    'Public listing search, favourites, saved searches and inquiries; PM accounts sign in through SSO.\n\n' +
    'Errors answer with `{"error":{"code","message","details"?,"requestId"}}`; each error answer lists ' +
    'its codes. Lists page with `limit` (1–100) and `offset`.',
  version: '1.2.0',
  servers: [{ url: 'http://localhost:3001', description: 'Local development (npm start)' }],
  contact: { name: 'PPT platform team' },
  // package.json: UNLICENSED; a proprietary licence has no public text to link to.
  license: { name: 'Proprietary (UNLICENSED)' },
  security: {
    defaultScheme: 'bearer',
    // Signed-in routes ask api-server about the token; while it cannot be asked they answer 503.
    authenticationMayBeUnavailable: true,
    schemes: {
      bearer: {
        type: 'http',
        scheme: 'bearer',
        bearerFormat: 'JWT',
        description:
          'SSO: the access token of a PM account, from the PM API sign-in (POST /api/v1/auth/login there)',
      },
    },
  },
};

/** The document without a database, Redis or api-server, from fixed settings (see generateApiServerDocument). */
export function generateRealityServerDocument(): Promise<OpenAPIObject> {
  const env = validateEnv(RealityServerEnv, {
    NODE_ENV: 'test',
    DATABASE_URL: 'postgres://openapi@127.0.0.1:5432/openapi',
    REDIS_URL: 'redis://127.0.0.1:6379',
  });
  return generateOpenApiDocument(AppModule.register(env), REALITY_SERVER_OPENAPI);
}
