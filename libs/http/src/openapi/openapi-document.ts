import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ApiExtension, DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { completeOpenApiDocument, OPENAPI_RATE_LIMITED, type DocumentCompletion } from './complete-document';

export interface OpenApiInfo extends DocumentCompletion {
  title: string;
  description: string;
  /** The document's version (semver): bump it with every entry in docs/api-changelog.md. */
  version: string;
}

/** The route is rate-limited: the document lists its 429 (Retry-After, RateLimit headers) and 503. */
export const ApiRateLimited = (): MethodDecorator & ClassDecorator =>
  ApiExtension(OPENAPI_RATE_LIMITED, true);

/** The app's complete OpenAPI document (served at /api/docs-json, committed under docs/openapi/). */
export function buildOpenApiDocument(app: INestApplication, info: OpenApiInfo): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle(info.title)
    .setDescription(info.description)
    .setVersion(info.version)
    .build();
  return completeOpenApiDocument(SwaggerModule.createDocument(app, config), info);
}

/**
 * The same document without running the app: Nest's preview mode wires the modules but creates no
 * provider, so neither a database nor Redis is needed (the generator and the document tests use it).
 */
export async function previewOpenApiDocument(
  rootModule: Parameters<typeof NestFactory.create>[0],
  info: OpenApiInfo,
  configure: (app: INestApplication) => void,
): Promise<OpenAPIObject> {
  const app = await NestFactory.create(rootModule, { preview: true, logger: false, abortOnError: false });
  try {
    configure(app);
    return buildOpenApiDocument(app, info);
  } finally {
    await app.close();
  }
}
