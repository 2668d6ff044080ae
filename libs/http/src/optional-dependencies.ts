import { Injectable } from '@nestjs/common';
import type { HealthCheckResult } from '@nestjs/terminus';
import type { DependencyStatus, ReadinessCheck } from '@ppt/observability';

/** Terminus's statuses plus `degraded`: every required dependency is up, an optional one is down. */
export type ReadinessResult = Omit<HealthCheckResult, 'status'> & {
  status: HealthCheckResult['status'] | 'degraded';
};

/**
 * Dependencies the app can serve without, registered by the feature that uses them (e.g. the
 * portal's SSO and api-server): reported by readiness, but their outage answers 200 `degraded`
 * instead of taking every replica out of rotation.
 */
@Injectable()
export class OptionalDependencies {
  private readonly checks: ReadinessCheck[] = [];

  add(check: ReadinessCheck): void {
    this.checks.push(check);
  }

  /** Never rejects: a check that throws is reported as down. */
  checkAll(): Promise<[string, DependencyStatus][]> {
    return Promise.all(
      this.checks.map(async (check): Promise<[string, DependencyStatus]> => {
        try {
          return [check.name, await check.check()];
        } catch (err) {
          return [check.name, { status: 'down', latencyMs: 0, error: (err as Error).message }];
        }
      }),
    );
  }
}

/** Adds optional dependencies to a readiness result (its `details`, and `info` or `error`). */
export function withOptional(
  result: HealthCheckResult,
  optional: [string, DependencyStatus][],
): ReadinessResult {
  const info = { ...result.info };
  const error = { ...result.error };
  const details = { ...result.details };
  for (const [name, dependency] of optional) {
    details[name] = dependency;
    if (dependency.status === 'up') info[name] = dependency;
    else error[name] = dependency;
  }
  const degraded = result.status === 'ok' && optional.some(([, d]) => d.status !== 'up');
  return { ...result, status: degraded ? 'degraded' : result.status, info, error, details };
}
