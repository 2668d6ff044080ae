// The SDKs are required lazily: only instrument.ts pays for loading them, not every importer of this lib.
import { scrubSentryEvent } from './sentry-scrub';
import { TraceStoreProcessor } from './trace-store/trace-store.processor';

export interface TelemetryOptions {
  serviceName: string;
  env: NodeJS.ProcessEnv;
  /**
   * Further span processors, after the exporting one (tests read spans through an in-memory
   * exporter this way). Only used when tracing is on.
   */
  spanProcessors?: import('@opentelemetry/sdk-trace-base').SpanProcessor[];
}

/**
 * Starts tracing and error reporting. Must run before anything else is imported (instrument.ts),
 * because the instrumentations patch http, express, pg and ioredis as they load.
 * Tracing is on unless OTEL_SDK_DISABLED=true, recording a parent-based share of requests
 * (OTEL_TRACES_SAMPLER_ARG, default 0.1); spans are exported, in batches, only when an OTLP endpoint is set.
 * Sentry starts only with a DSN and leaves OpenTelemetry to us.
 */
export function startTelemetry({
  serviceName,
  env,
  spanProcessors = [],
}: TelemetryOptions): () => Promise<void> {
  if (env.SENTRY_DSN) {
    const Sentry = require('@sentry/nestjs') as typeof import('@sentry/nestjs');
    Sentry.init({
      dsn: env.SENTRY_DSN,
      environment: env.NODE_ENV ?? 'development',
      release: env.APP_VERSION,
      skipOpenTelemetrySetup: true,
      // No IP addresses, cookies or request bodies from the SDK; the rest is scrubbed before sending.
      sendDefaultPii: false,
      beforeSend: (event) => scrubSentryEvent(event),
    });
  }
  if (env.OTEL_SDK_DISABLED === 'true') return async () => undefined;

  const { NodeSDK, tracing } = require('@opentelemetry/sdk-node') as typeof import('@opentelemetry/sdk-node');
  const { getNodeAutoInstrumentations } =
    require('@opentelemetry/auto-instrumentations-node') as typeof import('@opentelemetry/auto-instrumentations-node');
  const { OTLPTraceExporter } =
    require('@opentelemetry/exporter-trace-otlp-proto') as typeof import('@opentelemetry/exporter-trace-otlp-proto');

  const store = env.TRACE_STORE_DATABASE_URL ? traceStoreProcessor(env) : undefined;
  const exporter = env.OTEL_EXPORTER_OTLP_ENDPOINT
    ? new OTLPTraceExporter({ url: `${env.OTEL_EXPORTER_OTLP_ENDPOINT.replace(/\/$/, '')}/v1/traces` })
    : undefined;
  const sdk = new NodeSDK({
    serviceName: env.OTEL_SERVICE_NAME ?? serviceName,
    sampler: traceSampler(sampleRatio(env.OTEL_TRACES_SAMPLER_ARG), { recordUnsampled: !!store }),
    // Batched export off the request path. Without an endpoint a processor that drops the spans: with
    // none, the SDK would register no tracer provider at all (every trace id in the logs would be
    // zeros), and with the option left out it would export to localhost:4318 by default.
    spanProcessors: [
      exporter ? new tracing.BatchSpanProcessor(exporter) : new tracing.NoopSpanProcessor(),
      ...(store ? [store] : []),
      ...spanProcessors,
    ],
    instrumentations: (activeInstrumentations = getNodeAutoInstrumentations({
      '@opentelemetry/instrumentation-fs': { enabled: false },
      '@opentelemetry/instrumentation-dns': { enabled: false },
      '@opentelemetry/instrumentation-net': { enabled: false },
      // One span per middleware and route handler, duplicating the http server span (method, route,
      // status) and the Nest handler span (controller and method): the most per-request work in the
      // SDK for nothing a trace viewer needs. Connect and router are Express's own layers.
      '@opentelemetry/instrumentation-express': { enabled: false },
      '@opentelemetry/instrumentation-connect': { enabled: false },
      '@opentelemetry/instrumentation-router': { enabled: false },
      // Trace ids reach the logs through the logger's own mixin (logging.module.ts).
      '@opentelemetry/instrumentation-pino': { enabled: false },
      '@opentelemetry/instrumentation-http': {
        ignoreIncomingRequestHook: (req) => /^\/(health\/|metrics)/.test(req.url ?? ''),
      },
    })),
  });
  sdk.start();
  return () => sdk.shutdown();
}

let activeInstrumentations: unknown[] = [];

/**
 * The sampler: a new trace is kept with probability `ratio` (decided on the trace id). A span under a
 * local sampled parent follows it. A span under a **remote** parent (an incoming `traceparent`) is
 * decided by the same ratio whatever the caller's flag says: ParentBasedSampler's default for
 * `remoteParentSampled` is AlwaysOn, which would let any client force full sampling (and the cost
 * of exporting and storing every span) by sending `traceparent: 00-…-01`. The ratio sampler decides
 * on the trace id alone, so services with the same ratio still agree on one trace.
 * With `recordUnsampled` (a trace store), entry spans the ratio leaves out are still recorded (not
 * sampled: nothing is exported or propagated as sampled), so the store's tail rule can keep the
 * failed and slow ones. Their children stay unrecorded, which keeps the cost at one span per
 * unsampled request or job.
 */
export function traceSampler(
  ratio: number,
  { recordUnsampled = false }: { recordUnsampled?: boolean } = {},
): import('@opentelemetry/sdk-trace-base').Sampler {
  const { tracing } = require('@opentelemetry/sdk-node') as typeof import('@opentelemetry/sdk-node');
  const byRatio = new tracing.TraceIdRatioBasedSampler(ratio);
  const entry: import('@opentelemetry/sdk-trace-base').Sampler = recordUnsampled
    ? {
        shouldSample: (...args) => {
          const result = byRatio.shouldSample(args[0], args[1]);
          return result.decision === tracing.SamplingDecision.NOT_RECORD
            ? { ...result, decision: tracing.SamplingDecision.RECORD }
            : result;
        },
        toString: () => `RecordUnsampled{${byRatio.toString()}}`,
      }
    : byRatio;
  return new tracing.ParentBasedSampler({
    root: entry,
    remoteParentSampled: entry,
    remoteParentNotSampled: entry,
  });
}

/** The PostgreSQL trace store's processor, set up from TRACE_STORE_* (defaults in TRACE_STORE_DEFAULTS). */
function traceStoreProcessor(env: NodeJS.ProcessEnv): TraceStoreProcessor {
  const { Pool } = require('pg') as typeof import('pg');
  const int = (value: string | undefined, fallback: number) => {
    const n = value === undefined || value.trim() === '' ? NaN : Number(value);
    return Number.isInteger(n) && n > 0 ? n : fallback;
  };
  return new TraceStoreProcessor({
    // Two connections at most: the store must never compete with the app's own pool.
    pool: new Pool({
      connectionString: env.TRACE_STORE_DATABASE_URL,
      max: 2,
      application_name: 'trace-store',
    }),
    maxQueue: int(env.TRACE_STORE_MAX_QUEUE, TRACE_STORE_DEFAULTS.maxQueue),
    batchSize: TRACE_STORE_DEFAULTS.batchSize,
    flushIntervalMs: int(env.TRACE_STORE_FLUSH_MS, TRACE_STORE_DEFAULTS.flushIntervalMs),
    slowMs: int(env.TRACE_STORE_SLOW_MS, TRACE_STORE_DEFAULTS.slowMs),
    retentionDays: int(env.TRACE_STORE_RETENTION_DAYS, TRACE_STORE_DEFAULTS.retentionDays),
    housekeepingIntervalMs: TRACE_STORE_DEFAULTS.housekeepingIntervalMs,
  });
}

export const TRACE_STORE_DEFAULTS = {
  maxQueue: 4096,
  batchSize: 256,
  flushIntervalMs: 1000,
  slowMs: 1000,
  retentionDays: 7,
  housekeepingIntervalMs: 3_600_000,
} as const;

interface CoreModuleInstrumentation {
  _modules?: { name: string }[];
  _onRequire?(module: { name: string }, exports: unknown, name: string, baseDir?: string): unknown;
}

/**
 * Patches node's core modules (http, https) now. The SDK patches them through a require hook, which
 * a test runner with its own module system (Jest) bypasses: the hook sees the runner's stand-in for
 * `module`, so servers started in a Jest test would record no spans. Tests that trace call this right
 * after startTelemetry(); the SDK's shutdown removes the patches again. Not needed in a real process.
 */
export function instrumentCoreModulesNow(): void {
  for (const candidate of activeInstrumentations) {
    const instrumentation = candidate as CoreModuleInstrumentation;
    for (const definition of instrumentation._modules ?? []) {
      if (!['http', 'https'].includes(definition.name)) continue;
      instrumentation._onRequire?.(definition, require(definition.name), definition.name, undefined);
    }
  }
}

/** Share of new traces recorded unless OTEL_TRACES_SAMPLER_ARG says otherwise. */
export const DEFAULT_SAMPLE_RATIO = 0.1;

/** OTEL_TRACES_SAMPLER_ARG as a ratio in [0, 1]; unset or not a number in range: the default. */
export function sampleRatio(value: string | undefined): number {
  const ratio = value === undefined || value.trim() === '' ? NaN : Number(value);
  return Number.isFinite(ratio) && ratio >= 0 && ratio <= 1 ? ratio : DEFAULT_SAMPLE_RATIO;
}
