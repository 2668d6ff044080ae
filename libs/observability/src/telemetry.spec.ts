import { trace } from '@opentelemetry/api';
import { traceFields } from './logging.module';
import { DEFAULT_SAMPLE_RATIO, sampleRatio, startTelemetry, traceSampler } from './telemetry';

describe('sampleRatio (OTEL_TRACES_SAMPLER_ARG)', () => {
  it('takes a ratio between 0 and 1', () => {
    expect(sampleRatio('0.25')).toBe(0.25);
    expect(sampleRatio('0')).toBe(0);
    expect(sampleRatio('1')).toBe(1);
  });

  it('falls back to the default when unset, empty, not a number or out of range', () => {
    for (const value of [undefined, '', ' ', 'all', '1.5', '-0.1', 'Infinity']) {
      expect(sampleRatio(value)).toBe(DEFAULT_SAMPLE_RATIO);
    }
  });
});

describe('startTelemetry without an OTLP endpoint', () => {
  it('still gives every request a real trace id for the logs, sampled or not', async () => {
    const stop = startTelemetry({ serviceName: 'test', env: { OTEL_TRACES_SAMPLER_ARG: '0' } });
    try {
      const ids = trace.getTracer('test').startActiveSpan('request', (span) => {
        const fields = traceFields();
        span.end();
        return fields;
      });
      expect(ids.trace_id).toMatch(/^[0-9a-f]{32}$/);
      expect(ids.trace_id).not.toMatch(/^0+$/);
    } finally {
      await stop();
    }
  });
});

describe('traceSampler', () => {
  const {
    ROOT_CONTEXT,
    trace: api,
    TraceFlags,
    SpanKind,
  } = require('@opentelemetry/api') as typeof import('@opentelemetry/api');
  const { SamplingDecision } =
    require('@opentelemetry/sdk-trace-base') as typeof import('@opentelemetry/sdk-trace-base');
  // Trace ids the ratio sampler keeps at 0.5 (the XOR of its 32-bit words is small) and drops (large).
  const kept = '0000000000000000000000000000000a';
  const dropped = 'ffffffff000000000000000000000000';
  const under = (traceId: string, flags: number, isRemote: boolean) =>
    api.setSpanContext(ROOT_CONTEXT, { traceId, spanId: '00000000000000aa', traceFlags: flags, isRemote });
  const decide = (sampler: ReturnType<typeof traceSampler>, traceId: string, context = ROOT_CONTEXT) =>
    sampler.shouldSample(context, traceId, 'request', SpanKind.SERVER, {}, []).decision;

  it('does not let a caller force sampling with a remote sampled traceparent', () => {
    const sampler = traceSampler(0.5);
    expect(decide(sampler, dropped, under(dropped, TraceFlags.SAMPLED, true))).toBe(
      SamplingDecision.NOT_RECORD,
    );
    expect(decide(sampler, kept, under(kept, TraceFlags.SAMPLED, true))).toBe(
      SamplingDecision.RECORD_AND_SAMPLED,
    );
    // At ratio 0 nothing a client sends turns sampling on.
    expect(decide(traceSampler(0), kept, under(kept, TraceFlags.SAMPLED, true))).toBe(
      SamplingDecision.NOT_RECORD,
    );
  });

  it('keeps roots by the ratio and follows a local sampled parent', () => {
    const sampler = traceSampler(0.5);
    expect(decide(sampler, kept)).toBe(SamplingDecision.RECORD_AND_SAMPLED);
    expect(decide(sampler, dropped)).toBe(SamplingDecision.NOT_RECORD);
    expect(decide(sampler, dropped, under(dropped, TraceFlags.SAMPLED, false))).toBe(
      SamplingDecision.RECORD_AND_SAMPLED,
    );
  });

  it('with a trace store records, without sampling, the remote-parented spans the ratio leaves out', () => {
    const sampler = traceSampler(0, { recordUnsampled: true });
    expect(decide(sampler, kept, under(kept, TraceFlags.SAMPLED, true))).toBe(SamplingDecision.RECORD);
    expect(decide(sampler, kept, under(kept, TraceFlags.NONE, true))).toBe(SamplingDecision.RECORD);
    expect(decide(sampler, kept)).toBe(SamplingDecision.RECORD);
  });
});
