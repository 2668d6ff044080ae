import { parseMatcher, type LabelMatcher } from './alert-rule-kinds';
import { aggregate, ScrapeHistory } from './scrape-history';

const at = (minute: number) => new Date(Date.UTC(2026, 11, 7, 10, minute));
const keepRequests = new Map([['http_requests_total', 600]]);
const matcher = (raw: string) => parseMatcher(raw) as LabelMatcher;
const requests = (ok: number, failed: number) => [
  { name: 'http_requests_total', labels: { status: '200' }, value: ok },
  { name: 'http_requests_total', labels: { status: '503' }, value: failed },
];

describe('ScrapeHistory', () => {
  it('has no increase before two scrapes lie inside the window', () => {
    const history = new ScrapeHistory();
    history.record(at(0), requests(10, 0), keepRequests);
    expect(history.increases('http_requests_total', [], 300, at(1))).toBeNull();
  });

  it('sums each series increase within the window, across a counter reset', () => {
    const history = new ScrapeHistory();
    history.record(at(0), requests(10, 0), keepRequests);
    history.record(at(1), requests(20, 5), keepRequests);
    history.record(at(2), requests(4, 1), keepRequests); // the process restarted: counters began again
    history.record(at(3), requests(14, 6), keepRequests);
    expect(history.increases('http_requests_total', [], 600, at(3))).toEqual([10 + 4 + 10, 5 + 1 + 5]);
    expect(history.increases('http_requests_total', [matcher('status=~"5.."')], 120, at(3))).toEqual([1 + 5]);
  });

  it('reads the latest values of matching series', () => {
    const history = new ScrapeHistory();
    expect(history.latest('http_requests_total', [])).toBeNull();
    history.record(at(0), requests(10, 3), keepRequests);
    expect(history.latest('http_requests_total', [matcher('status!="200"')])).toEqual([3]);
  });

  it('counts from the last scrape at or before the window start, so scrape jitter cannot empty a 60 s window', () => {
    const history = new ScrapeHistory();
    const t0 = at(0).getTime();
    history.record(new Date(t0), requests(10, 0), keepRequests);
    history.record(new Date(t0 + 60_500), requests(16, 2), keepRequests);
    expect(history.increases('http_requests_total', [], 60, new Date(t0 + 60_500))).toEqual([6, 2]);
  });

  it('keeps only the referenced metrics, for their window plus the scrape before it', () => {
    const history = new ScrapeHistory();
    // 10,000 samples per scrape: 100 series of the referenced metric, the rest of 99 other metrics.
    const fixture = Array.from({ length: 10_000 }, (_, i) => ({
      name: i < 100 ? 'http_requests_total' : `other_metric_${i % 99}_total`,
      labels: { route: `/r${i}`, instance: 'http://api:9464/metrics' },
      value: 0,
    }));
    const windowSeconds = 300;
    const retention = new Map([['http_requests_total', windowSeconds]]);
    const start = at(0).getTime();
    for (let minute = 0; minute < 1440; minute++) {
      for (const sample of fixture) sample.value = minute;
      history.record(new Date(start + minute * 60_000), fixture, retention);
    }
    const snapshotsSpanningWindow = windowSeconds / 60 + 1;
    expect(history.retainedSamples()).toBeLessThanOrEqual(100 * snapshotsSpanningWindow);
    const increases = history.increases('http_requests_total', [], windowSeconds, new Date(start + 1439 * 60_000));
    expect(increases).toHaveLength(100);
    expect(new Set(increases)).toEqual(new Set([5]));
  });

  it('forgets a metric no enabled rule reads any more, and keeps a gauge only at its latest value', () => {
    const history = new ScrapeHistory();
    history.record(at(0), requests(10, 0), keepRequests);
    history.record(at(1), requests(20, 0), new Map([['http_requests_total', 0]]));
    expect(history.retainedSamples()).toBe(2);
    expect(history.latest('http_requests_total', [])).toEqual([20, 0]);
    history.record(at(2), requests(30, 0), new Map());
    expect(history.retainedSamples()).toBe(0);
  });

  it('aggregates', () => {
    expect(aggregate([1, 2, 6], 'sum')).toBe(9);
    expect(aggregate([1, 2, 6], 'avg')).toBe(3);
    expect(aggregate([1, 2, 6], 'max')).toBe(6);
    expect(aggregate([], 'min')).toBe(0);
  });
});
