import type { NextFunction, Request, Response } from 'express';
import { processCounter, processHistogram } from './process-metrics';

/**
 * HTTP metrics labelled by route template (never the raw path, which would explode cardinality).
 */
const requests = processCounter<'method' | 'route' | 'status'>({
  name: 'http_requests_total',
  help: 'HTTP requests handled, by method, route template and status code',
  labelNames: ['method', 'route', 'status'],
});

const duration = processHistogram<'method' | 'route' | 'status'>({
  name: 'http_request_duration_seconds',
  help: 'HTTP request duration in seconds, by method, route template and status code',
  labelNames: ['method', 'route', 'status'],
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
});

export function routeTemplateOf(req: Request): string {
  const path = (req.route as { path?: unknown } | undefined)?.path;
  return typeof path === 'string' ? `${req.baseUrl}${path}` : 'unmatched';
}

/** Express middleware; register it before everything else so rejected requests count too. */
export function httpMetricsMiddleware(req: Request, res: Response, next: NextFunction): void {
  const start = process.hrtime.bigint();
  res.once('finish', () => {
    const labels = { method: req.method, route: routeTemplateOf(req), status: String(res.statusCode) };
    requests.inc(labels);
    duration.observe(labels, Number(process.hrtime.bigint() - start) / 1e9);
  });
  next();
}
