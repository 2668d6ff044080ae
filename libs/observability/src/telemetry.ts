// The SDKs are required lazily: only instrument.ts pays for loading them, not every importer of this lib.
export interface TelemetryOptions {
  serviceName: string;
  env: NodeJS.ProcessEnv;
}

/**
 * Starts tracing and error reporting. Must run before anything else is imported (instrument.ts),
 * because the instrumentations patch http, express, pg and ioredis as they load.
 * Tracing is on unless OTEL_SDK_DISABLED=true; spans are exported only when an OTLP endpoint is set.
 * Sentry starts only with a DSN and leaves OpenTelemetry to us.
 */
export function startTelemetry({ serviceName, env }: TelemetryOptions): () => Promise<void> {
  if (env.SENTRY_DSN) {
    const Sentry = require('@sentry/nestjs') as typeof import('@sentry/nestjs');
    Sentry.init({
      dsn: env.SENTRY_DSN,
      environment: env.NODE_ENV ?? 'development',
      release: env.APP_VERSION,
      skipOpenTelemetrySetup: true,
    });
  }
  if (env.OTEL_SDK_DISABLED === 'true') return async () => undefined;

  const { NodeSDK } = require('@opentelemetry/sdk-node') as typeof import('@opentelemetry/sdk-node');
  const { getNodeAutoInstrumentations } =
    require('@opentelemetry/auto-instrumentations-node') as typeof import('@opentelemetry/auto-instrumentations-node');
  const { OTLPTraceExporter } =
    require('@opentelemetry/exporter-trace-otlp-proto') as typeof import('@opentelemetry/exporter-trace-otlp-proto');

  const sdk = new NodeSDK({
    serviceName: env.OTEL_SERVICE_NAME ?? serviceName,
    traceExporter: env.OTEL_EXPORTER_OTLP_ENDPOINT
      ? new OTLPTraceExporter({ url: `${env.OTEL_EXPORTER_OTLP_ENDPOINT.replace(/\/$/, '')}/v1/traces` })
      : undefined,
    instrumentations: [
      getNodeAutoInstrumentations({
        '@opentelemetry/instrumentation-fs': { enabled: false },
        '@opentelemetry/instrumentation-dns': { enabled: false },
        '@opentelemetry/instrumentation-net': { enabled: false },
        '@opentelemetry/instrumentation-http': {
          ignoreIncomingRequestHook: (req) => /^\/(health\/|metrics)/.test(req.url ?? ''),
        },
      }),
    ],
  });
  sdk.start();
  return () => sdk.shutdown();
}
