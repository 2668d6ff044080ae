import { Injectable } from '@nestjs/common';
import type { HealthCheckResult } from '@nestjs/terminus';
import type { DependencyStatus, ReadinessCheck } from '@ppt/observability';

/** Terminus's statuses plus `degraded`: every required dependency is up, an optional one is down. */
export type ReadinessResult = Omit<HealthCheckResult, 'status'> & {
  status: HealthCheckResult['status'] | 'degraded';
};

export interface OptionalCheckOptions {
  /**
   * Not ready until the dependency has answered once since the process started. A dependency that
   * was never reached is more likely a wrong URL or a closed network path than an outage, and a
   * rollout must not pass on it; once reached, its outage only degrades the replica.
   */
  requiredUntilUp?: boolean;
}

/** One optional dependency's answer; `blocking` when it makes the replica not ready. */
export interface OptionalStatus {
  name: string;
  status: DependencyStatus;
  blocking: boolean;
}

/**
 * Dependencies the app can serve without, registered by the feature that uses them (e.g. the
 * portal's SSO and api-server): reported by readiness, but their outage answers 200 `degraded`
 * instead of taking every replica out of rotation (except one never reached: requiredUntilUp).
 */
@Injectable()
export class OptionalDependencies {
  private readonly checks: { check: ReadinessCheck; requiredUntilUp: boolean; wasUp: boolean }[] = [];

  add(check: ReadinessCheck, options: OptionalCheckOptions = {}): void {
    this.checks.push({ check, requiredUntilUp: options.requiredUntilUp ?? false, wasUp: false });
  }

  /** Never rejects: a check that throws is reported as down. */
  checkAll(): Promise<OptionalStatus[]> {
    return Promise.all(
      this.checks.map(async (entry): Promise<OptionalStatus> => {
        let status: DependencyStatus;
        try {
          status = await entry.check.check();
        } catch (err) {
          status = { status: 'down', latencyMs: 0, error: (err as Error).message };
        }
        if (status.status === 'up') entry.wasUp = true;
        return { name: entry.check.name, status, blocking: entry.requiredUntilUp && !entry.wasUp };
      }),
    );
  }
}

/**
 * Adds optional dependencies to a readiness result (its `details`, and `info` or `error`): `degraded`
 * when one is down, `error` (not ready) when one that blocks is down.
 */
export function withOptional(result: HealthCheckResult, optional: OptionalStatus[]): ReadinessResult {
  const info = { ...result.info };
  const error = { ...result.error };
  const details = { ...result.details };
  for (const { name, status } of optional) {
    details[name] = status;
    if (status.status === 'up') info[name] = status;
    else error[name] = status;
  }
  const down = optional.filter((o) => o.status.status !== 'up');
  if (result.status !== 'ok' || down.length === 0) return { ...result, info, error, details };
  return { ...result, status: down.some((o) => o.blocking) ? 'error' : 'degraded', info, error, details };
}
