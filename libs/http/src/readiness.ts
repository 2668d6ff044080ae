import { Inject, Injectable } from '@nestjs/common';
import type { DependencyStatus, ReadinessCheck } from '@ppt/observability';
import { READINESS_CHECKS } from './health.controller';
import { OptionalDependencies } from './optional-dependencies';

/** One dependency as the process's readiness checks see it now. */
export interface DependencyReading {
  name: string;
  status: DependencyStatus;
  /** Down makes the process not ready (optional dependencies only degrade it, unless blocking). */
  required: boolean;
}

/** What GET /health/ready would report, without Terminus and the shutdown state: for in-process recorders. */
export interface ReadinessReading {
  /** Every required dependency is up and no blocking optional one is down. */
  ready: boolean;
  dependencies: DependencyReading[];
}

/**
 * Runs the same checks as GET /health/ready (the READINESS_CHECKS and the OptionalDependencies of
 * this process) for code that records them (the health history). Never rejects.
 */
@Injectable()
export class Readiness {
  constructor(
    @Inject(READINESS_CHECKS) private readonly checks: ReadinessCheck[],
    private readonly optional: OptionalDependencies,
  ) {}

  async read(): Promise<ReadinessReading> {
    const [required, optional] = await Promise.all([
      Promise.all(this.checks.map(async (check) => ({ name: check.name, status: await safely(check) }))),
      this.optional.checkAll(),
    ]);
    const dependencies = [
      ...required.map((r) => ({ ...r, required: true })),
      ...optional.map((o) => ({ name: o.name, status: o.status, required: o.blocking })),
    ];
    return {
      ready: dependencies.every((d) => d.status.status === 'up' || !d.required),
      dependencies,
    };
  }
}

async function safely(check: ReadinessCheck): Promise<DependencyStatus> {
  try {
    return await check.check();
  } catch (err) {
    return { status: 'down', latencyMs: 0, error: (err as Error).message };
  }
}
