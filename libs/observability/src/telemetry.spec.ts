import { DEFAULT_SAMPLE_RATIO, sampleRatio } from './telemetry';

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
