import { parseMatcher, type LabelMatcher } from './alert-rule-kinds';
import { aggregate, ScrapeHistory } from './scrape-history';

const at = (minute: number) => new Date(Date.UTC(2026, 11, 7, 10, minute));
const matcher = (raw: string) => parseMatcher(raw) as LabelMatcher;
const requests = (ok: number, failed: number) => [
  { name: 'http_requests_total', labels: { status: '200' }, value: ok },
  { name: 'http_requests_total', labels: { status: '503' }, value: failed },
];

describe('ScrapeHistory', () => {
  it('has no increase before two scrapes lie inside the window', () => {
    const history = new ScrapeHistory();
    history.record(at(0), requests(10, 0));
    expect(history.increases('http_requests_total', [], 300, at(1))).toBeNull();
  });

  it('sums each series increase within the window, across a counter reset', () => {
    const history = new ScrapeHistory();
    history.record(at(0), requests(10, 0));
    history.record(at(1), requests(20, 5));
    history.record(at(2), requests(4, 1)); // the process restarted: counters began again
    history.record(at(3), requests(14, 6));
    expect(history.increases('http_requests_total', [], 600, at(3))).toEqual([10 + 4 + 10, 5 + 1 + 5]);
    expect(history.increases('http_requests_total', [matcher('status=~"5.."')], 120, at(3))).toEqual([1 + 5]);
  });

  it('reads the latest values of matching series', () => {
    const history = new ScrapeHistory();
    expect(history.latest('http_requests_total', [])).toBeNull();
    history.record(at(0), requests(10, 3));
    expect(history.latest('http_requests_total', [matcher('status!="200"')])).toEqual([3]);
  });

  it('aggregates', () => {
    expect(aggregate([1, 2, 6], 'sum')).toBe(9);
    expect(aggregate([1, 2, 6], 'avg')).toBe(3);
    expect(aggregate([1, 2, 6], 'max')).toBe(6);
    expect(aggregate([], 'min')).toBe(0);
  });
});
