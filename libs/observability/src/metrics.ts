import type { NextFunction, Request, Response } from 'express';
import { Counter, Histogram, register } from 'prom-client';

/**
 * HTTP metrics labelled by route template (never the raw path, which would explode cardinality).
 * Created once per process and shared by every app instance in it (tests boot several).
 */
const requests =
  (register.getSingleMetric('http_requests_total') as Counter<'method' | 'route' | 'status'> | undefined) ??
  new Counter({
    name: 'http_requests_total',
    help: 'HTTP requests handled, by method, route template and status code',
    labelNames: ['method', 'route', 'status'],
  });

const duration =
  (register.getSingleMetric('http_request_duration_seconds') as
    Histogram<'method' | 'route' | 'status'> | undefined) ??
  new Histogram({
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
