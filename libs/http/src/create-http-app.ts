import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import type { CoreEnv } from '@ppt/config';
import {
  createValidationPipe,
  ErrorEnvelopeFilter,
  httpMetricsMiddleware,
  requestIdMiddleware,
  translateBodyParserErrors,
} from '@ppt/observability';
import helmet from 'helmet';
import { Logger } from 'nestjs-pino';
import { buildOpenApiDocument, previewOpenApiDocument, type OpenApiInfo } from './openapi/openapi-document';

/** Whatever NestFactory accepts as the root module (a class or a dynamic module). */
export type RootModule = Parameters<typeof NestFactory.create>[0];

export const API_PREFIX = 'api/v1';
/** Served at the root, outside /api/v1: probes, metrics, key sets, operator UIs. */
export const UNPREFIXED_ROUTES = ['health/{*path}', 'metrics', '.well-known/{*path}', 'admin/{*path}'];

export type HttpAppOptions = OpenApiInfo;

/**
 * Creates a Nest HTTP app with the platform's common surface: request id, metrics, helmet, CORS
 * allowlist, body limit (413), /api/v1 prefix, validation, JSON error envelope and OpenAPI at /api/docs.
 */
export async function createHttpApp(
  rootModule: RootModule,
  env: CoreEnv,
  options: HttpAppOptions,
): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(rootModule, {
    bufferLogs: true,
    bodyParser: false,
    // The parsers keep the exact bytes as `req.rawBody` too: signed webhooks are verified over them.
    rawBody: true,
    abortOnError: false,
  });
  app.useLogger(app.get(Logger));
  app.flushLogs();
  // Only the configured proxies may say who the client is (an empty list trusts nobody): a hard-coded
  // hop count let any client reset per-IP limits by sending its own X-Forwarded-For.
  app.set('trust proxy', env.TRUSTED_PROXIES);
  app.disable('x-powered-by');

  // Order matters: id and metrics first, so even requests rejected by the parsers carry both.
  app.use(requestIdMiddleware);
  app.use(httpMetricsMiddleware);
  app.use(helmet());
  app.enableCors({
    origin: env.CORS_ORIGINS,
    credentials: true,
    exposedHeaders: ['X-Request-Id', 'Retry-After', 'RateLimit', 'RateLimit-Policy'],
    maxAge: 600,
  });
  app.useBodyParser('json', { limit: env.HTTP_BODY_LIMIT });
  app.useBodyParser('urlencoded', { limit: env.HTTP_BODY_LIMIT, extended: true });
  app.use(translateBodyParserErrors);

  prefixRoutes(app);
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new ErrorEnvelopeFilter());

  setUpOpenApi(app, options);
  return app;
}

/**
 * A worker process's HTTP side: health and metrics only (for probes and scraping), same logging,
 * request ids and error envelope, no API prefix and no OpenAPI.
 */
export async function createWorkerApp(rootModule: RootModule): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(rootModule, {
    bufferLogs: true,
    abortOnError: false,
  });
  app.useLogger(app.get(Logger));
  app.flushLogs();
  app.disable('x-powered-by');
  app.use(requestIdMiddleware);
  app.use(httpMetricsMiddleware);
  app.useGlobalFilters(new ErrorEnvelopeFilter());
  return app;
}

function prefixRoutes(app: INestApplication): void {
  app.setGlobalPrefix(API_PREFIX, { exclude: UNPREFIXED_ROUTES });
}

const servedDocuments = new WeakMap<INestApplication, OpenAPIObject>();

/** The document an app built by createHttpApp serves at /api/docs-json (the contract tests read it). */
export function openApiDocumentOf(app: INestApplication): OpenAPIObject | undefined {
  return servedDocuments.get(app);
}

/** The app's document without booting it (no database or Redis): see previewOpenApiDocument. */
export function generateOpenApiDocument(
  rootModule: RootModule,
  options: HttpAppOptions,
): Promise<OpenAPIObject> {
  return previewOpenApiDocument(rootModule, options, prefixRoutes);
}

function setUpOpenApi(app: INestApplication, options: HttpAppOptions): void {
  const document = buildOpenApiDocument(app, options);
  servedDocuments.set(app, document);
  SwaggerModule.setup('api/docs', app, document, {
    jsonDocumentUrl: 'api/docs-json',
    useGlobalPrefix: false,
  });
}
