import {
  context,
  isSpanContextValid,
  propagation,
  ROOT_CONTEXT,
  trace,
  type Context,
} from '@opentelemetry/api';

/**
 * The W3C Trace Context of a piece of work, as its headers (https://www.w3.org/TR/trace-context/):
 * what a job or an outbox event carries so the work it causes later joins the trace of the request
 * that caused it.
 */
export interface TraceCarrier {
  traceparent: string;
  tracestate?: string;
}

/**
 * The active trace context as W3C headers; undefined when no trace is active (no SDK, or code that
 * runs outside any request or job). An unsampled request gives one too (flags 00): the work it causes
 * keeps its trace id in the logs and stays unsampled.
 */
export function currentTraceCarrier(): TraceCarrier | undefined {
  const span = trace.getActiveSpan();
  if (!span || !isSpanContextValid(span.spanContext())) return undefined;
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  if (!carrier.traceparent) return undefined;
  return carrier.tracestate
    ? { traceparent: carrier.traceparent, tracestate: carrier.tracestate }
    : { traceparent: carrier.traceparent };
}

/** The context a carrier describes (the root context when it is missing or not a valid traceparent). */
export function contextOfCarrier(carrier: unknown): Context {
  if (!isTraceCarrier(carrier)) return ROOT_CONTEXT;
  return propagation.extract(ROOT_CONTEXT, carrier);
}

export function isTraceCarrier(value: unknown): value is TraceCarrier {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { traceparent?: unknown }).traceparent === 'string'
  );
}

/** The active trace id (32 hex digits), or undefined outside a trace. */
export function currentTraceId(): string | undefined {
  const spanContext = trace.getActiveSpan()?.spanContext();
  return spanContext && isSpanContextValid(spanContext) ? spanContext.traceId : undefined;
}
