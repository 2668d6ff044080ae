import { parsePrometheusText } from './prometheus-text';

describe('parsePrometheusText', () => {
  it('reads samples with labels, escapes and special values, skipping comments', () => {
    const text = [
      '# HELP http_requests_total HTTP requests handled',
      '# TYPE http_requests_total counter',
      'http_requests_total{method="GET",route="/api/v1/a\\"b",status="200"} 12',
      'http_requests_total{method="GET",route="/x",status="500",} 3 1700000000000',
      'bull_queue_jobs 7',
      'http_request_duration_seconds_bucket{le="+Inf"} +Inf',
      '',
    ].join('\n');
    expect(parsePrometheusText(text)).toEqual([
      { name: 'http_requests_total', labels: { method: 'GET', route: '/api/v1/a"b', status: '200' }, value: 12 },
      { name: 'http_requests_total', labels: { method: 'GET', route: '/x', status: '500' }, value: 3 },
      { name: 'bull_queue_jobs', labels: {}, value: 7 },
      { name: 'http_request_duration_seconds_bucket', labels: { le: '+Inf' }, value: Infinity },
    ]);
  });

  it('refuses what is not the exposition format', () => {
    expect(() => parsePrometheusText('<html><body>login</body></html>')).toThrow('line 1');
    expect(() => parsePrometheusText('up{job="a" 1')).toThrow('line 1');
    expect(() => parsePrometheusText('up{job=a} 1')).toThrow('malformed labels');
    expect(() => parsePrometheusText('up one')).toThrow('not a sample value');
  });
});
