export {
  API_PREFIX,
  createHttpApp,
  createWorkerApp,
  generateOpenApiDocument,
  openApiDocumentOf,
  UNPREFIXED_ROUTES,
  type HttpAppOptions,
} from './create-http-app';
export { ClientIp, clientIp } from './client-ip';
export { HealthController, READINESS_CHECKS } from './health.controller';
export { HealthModule, type HealthModuleOptions } from './health.module';
export {
  OptionalDependencies,
  type OptionalCheckOptions,
  type OptionalStatus,
  type ReadinessResult,
} from './optional-dependencies';
export { Readiness, type DependencyReading, type ReadinessReading } from './readiness';
export { installSignalHandlers, runMain, runUntilSignalled, type RunOptions } from './run-until-signalled';
export { PageQueryDto, PageResponse, type Page } from './dto/page.dto';
export { Trim, TrimUpper } from './dto/transforms';
export { IsOmittable, UpdateType } from './dto/optional';
export { ApiRateLimited, type OpenApiInfo } from './openapi/openapi-document';
export {
  OPENAPI_OPTIONAL_SIGN_IN,
  type DocumentCompletion,
  type OpenApiSecurity,
} from './openapi/complete-document';
