import { Controller, Get, Inject, Res, ServiceUnavailableException } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import {
  HealthCheckService,
  HealthIndicatorService,
  type HealthCheckResult,
  type HealthIndicatorResult,
} from '@nestjs/terminus';
import { Public, type ReadinessCheck } from '@ppt/observability';
import type { Response } from 'express';
import { OptionalDependencies, withOptional, type ReadinessResult } from './optional-dependencies';

export const READINESS_CHECKS = Symbol('READINESS_CHECKS');

const LIVENESS_SCHEMA = {
  type: 'object',
  properties: { status: { type: 'string', enum: ['ok'], example: 'ok' } },
};

/** One dependency as `probe()` reports it. */
const DEPENDENCY_SCHEMA = {
  type: 'object',
  properties: {
    status: { type: 'string', enum: ['up', 'down'] },
    latencyMs: { type: 'number' },
    error: { type: 'string', description: 'Why the dependency is down' },
  },
};

/** Terminus's result: dependencies by name, `info` those up, `error` those down, `details` all. */
function readinessSchema(example: Record<string, unknown>) {
  const byName = { type: 'object', additionalProperties: DEPENDENCY_SCHEMA };
  return {
    type: 'object',
    properties: {
      status: { type: 'string', enum: ['ok', 'degraded', 'error', 'shutting_down'] },
      info: byName,
      error: byName,
      details: byName,
    },
    example,
  };
}

const UP = {
  database: { status: 'up', latencyMs: 1.8 },
  redis: { status: 'up', latencyMs: 0.6 },
};
const REDIS_DOWN = { redis: { status: 'down', latencyMs: 1000.4, error: 'timed out after 1000 ms' } };

/** Kubernetes probes: outside /api/v1, public, never cached. */
@ApiTags('health')
@Public()
@Controller('health')
export class HealthController {
  constructor(
    @Inject(READINESS_CHECKS) private readonly checks: ReadinessCheck[],
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly optional: OptionalDependencies,
  ) {}

  /** Liveness: the event loop answers. No dependency is checked, so an outage never restarts pods. */
  @Get('live')
  @ApiOperation({ summary: 'Liveness probe' })
  @ApiOkResponse({ description: 'The process is alive', schema: LIVENESS_SCHEMA })
  live(@Res({ passthrough: true }) res: Response): { status: 'ok' } {
    res.setHeader('Cache-Control', 'no-store');
    return { status: 'ok' };
  }

  /**
   * Readiness: every dependency answers (status and latency of each) and the process is not shutting
   * down. 503 with the same body otherwise.
   */
  @Get('ready')
  @ApiOperation({ summary: 'Readiness probe (each dependency reported)' })
  @ApiOkResponse({
    description: 'Ready to serve traffic',
    schema: readinessSchema({ status: 'ok', info: UP, error: {}, details: UP }),
  })
  @ApiServiceUnavailableResponse({
    description: 'A dependency is down, or the process is shutting down',
    schema: readinessSchema({
      status: 'error',
      info: { database: UP.database },
      error: REDIS_DOWN,
      details: { database: UP.database, ...REDIS_DOWN },
    }),
  })
  async ready(@Res({ passthrough: true }) res: Response): Promise<ReadinessResult> {
    res.setHeader('Cache-Control', 'no-store');
    const optional = this.optional.checkAll();
    try {
      const ready = withOptional(
        await this.health.check(this.checks.map((check) => () => this.run(check))),
        await optional,
      );
      // An optional dependency never reached since start (OptionalCheckOptions.requiredUntilUp).
      if (ready.status === 'error') res.status(503);
      return ready;
    } catch (err) {
      if (!(err instanceof ServiceUnavailableException)) throw err;
      res.status(503);
      return withOptional(err.getResponse() as HealthCheckResult, await optional);
    }
  }

  private async run(check: ReadinessCheck): Promise<HealthIndicatorResult> {
    const indicator = this.indicators.check(check.name);
    const { status, ...details } = await check.check();
    return status === 'up' ? indicator.up(details) : indicator.down(details);
  }
}
