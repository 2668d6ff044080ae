import { DynamicModule, Module, RequestMethod } from '@nestjs/common';
import { trace } from '@opentelemetry/api';
import { LoggerModule } from 'nestjs-pino';
import { stdTimeFunctions } from 'pino';
import type { IncomingMessage } from 'node:http';
import { requestIdOf } from './request-id';

export interface LoggingOptions {
  service: string;
  level: string;
  /** Pretty, human-readable lines instead of JSON (local development only). */
  pretty?: boolean;
}

/** Paths whose values never reach a log line. */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  // A browser's WebSocket carries the bearer token as a subprotocol (`bearer, <token>`).
  'req.headers["sec-websocket-protocol"]',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'res.headers["set-cookie"]',
  '*.password',
  '*.passwordHash',
  '*.token',
  '*.accessToken',
  '*.refreshToken',
  '*.secret',
  '*.clientSecret',
];

const QUIET_PATHS = /^\/(health\/|metrics)/;

/** Adds the active OpenTelemetry trace and span ids to every log line. */
export function traceFields(): Record<string, string> {
  const span = trace.getActiveSpan();
  if (!span) return {};
  const { traceId, spanId } = span.spanContext();
  return { trace_id: traceId, span_id: spanId };
}

@Module({})
export class LoggingModule {
  static forRoot(options: LoggingOptions): DynamicModule {
    return {
      module: LoggingModule,
      imports: [
        LoggerModule.forRoot({
          pinoHttp: {
            level: options.level,
            base: { service: options.service },
            messageKey: 'msg',
            timestamp: stdTimeFunctions.isoTime,
            formatters: { level: (label: string) => ({ level: label }) },
            redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
            mixin: traceFields,
            genReqId: (req: IncomingMessage) => requestIdOf(req) ?? 'unknown',
            customAttributeKeys: { reqId: 'request_id' },
            autoLogging: { ignore: (req: IncomingMessage) => QUIET_PATHS.test(req.url ?? '') },
            customLogLevel: (_req, res, err) =>
              err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info',
            serializers: {
              req: (req: { id: string; method: string; url: string }) => ({
                id: req.id,
                method: req.method,
                url: req.url,
              }),
              res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
            },
            transport: options.pretty ? { target: 'pino-pretty', options: { singleLine: true } } : undefined,
          },
          // Nest 11 route syntax; the library's default ('*') logs a deprecation warning at boot.
          forRoutes: [{ path: '{*path}', method: RequestMethod.ALL }],
        }),
      ],
      exports: [LoggerModule],
    };
  }
}
