export {
  AppError,
  CODE_BY_STATUS,
  CommonErrorCode,
  errorCodesByStatus,
  featureError,
  registerErrorCodes,
  serviceUnavailable,
  ValidationFailedError,
  type ErrorDetail,
  type ErrorEnvelope,
} from './app-error';
export { translateBodyParserErrors } from './body-parser-errors';
export { ErrorEnvelopeFilter } from './error-envelope.filter';
export { LoggingModule, REDACTED_PATHS, traceFields, type LoggingOptions } from './logging.module';
export { httpMetricsMiddleware, routeTemplateOf } from './metrics';
export { processCounter, processGauge, processHistogram } from './process-metrics';
export { MetricsModule } from './metrics.module';
export { REQUEST_ID_HEADER, requestIdMiddleware, requestIdOf } from './request-id';
export {
  instrumentCoreModulesNow,
  startTelemetry,
  TRACE_STORE_DEFAULTS,
  type TelemetryOptions,
} from './telemetry';
export { TraceStoreProcessor, type TraceStoreOptions } from './trace-store/trace-store.processor';
export {
  dropExpiredPartitions,
  ensurePartitions,
  ensureTraceStoreSchema,
  partitionName,
  SPANS_TABLE,
} from './trace-store/trace-store.schema';
export { createValidationPipe, toErrorDetails } from './validation';
export { probe, withTimeout, type DependencyStatus, type ReadinessCheck } from './readiness';
export { IS_PUBLIC, OPENAPI_PUBLIC, Public } from './public.decorator';
export {
  contextOfCarrier,
  currentTraceCarrier,
  currentTraceId,
  isTraceCarrier,
  type TraceCarrier,
} from './trace-context';
export { scrubSentryEvent, scrubText } from './sentry-scrub';
