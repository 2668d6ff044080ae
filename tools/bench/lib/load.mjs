#!/usr/bin/env node
// The load generator of the benchmarks, run as its own process (pinned apart from the servers by
// harness.mjs). argv[2]: JSON { origin, paths, connections, durationS, headers? }; every connection
// cycles through `paths`. Prints one JSON line: requests/s, latency percentiles (ms), failures and
// timeouts (no answer within 10 s; autocannon leaves them out of the percentiles, so they are reported).
import autocannon from 'autocannon';

const { origin, paths, connections, durationS, headers = {} } = JSON.parse(process.argv[2]);
const result = await autocannon({
  url: origin,
  connections,
  duration: durationS,
  headers,
  requests: paths.map((path) => ({ method: 'GET', path })),
});
process.stdout.write(
  `${JSON.stringify({
    requests: result.requests.total,
    rps: result.requests.average,
    p50: result.latency.p50,
    p90: result.latency.p90,
    p99: result.latency.p99,
    max: result.latency.max,
    non2xx: result.non2xx,
    errors: result.errors - result.timeouts,
    timeouts: result.timeouts,
  })}\n`,
);
