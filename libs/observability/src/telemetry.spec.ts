import { trace } from '@opentelemetry/api';
import { traceFields } from './logging.module';
import { DEFAULT_SAMPLE_RATIO, sampleRatio, startTelemetry } from './telemetry';

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
