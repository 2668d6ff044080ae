import { register } from 'prom-client';
import { processCounter, processGauge, processHistogram } from './process-metrics';

describe('process metrics', () => {
  afterEach(() => {
    for (const name of ['test_things_total', 'test_thing_seconds', 'test_things'])
      register.removeSingleMetric(name);
  });

  it('registers a metric on first use and hands the same one to every later caller', async () => {
    const config = { name: 'test_things_total', help: 'things', labelNames: ['kind'] };
    const first = processCounter(config);
    const second = processCounter(config);
    expect(second).toBe(first);
    first.inc({ kind: 'a' });
    second.inc({ kind: 'a' });
    expect(await register.getSingleMetricAsString('test_things_total')).toContain(
      'test_things_total{kind="a"} 2',
    );
  });

  it('does the same for histograms and gauges', () => {
    const histogram = processHistogram({ name: 'test_thing_seconds', help: 'time', buckets: [1] });
    expect(processHistogram({ name: 'test_thing_seconds', help: 'time', buckets: [1] })).toBe(histogram);
    const gauge = processGauge({ name: 'test_things', help: 'now' });
    expect(processGauge({ name: 'test_things', help: 'now' })).toBe(gauge);
  });
});
