import { Controller, Get, Inject, Res, ServiceUnavailableException } from '@nestjs/common';
import { ApiOkResponse, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import {
  HealthCheckService,
  HealthIndicatorService,
  type HealthCheckResult,
  type HealthIndicatorResult,
} from '@nestjs/terminus';
import { Public, type ReadinessCheck } from '@ppt/observability';
import type { Response } from 'express';


export const READINESS_CHECKS = Symbol('READINESS_CHECKS');

/** Kubernetes probes: outside /api/v1, public, never cached. */
@ApiTags('health')
@Public()
@Controller('health')
export class HealthController {
  constructor(
    @Inject(READINESS_CHECKS) private readonly checks: ReadinessCheck[],
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
  ) {}

  /** Liveness: the event loop answers. No dependency is checked, so an outage never restarts pods. */
  @Get('live')
  @ApiOkResponse({ description: 'The process is alive' })
  live(@Res({ passthrough: true }) res: Response): { status: 'ok' } {
    res.setHeader('Cache-Control', 'no-store');
    return { status: 'ok' };
  }

  /**
   * Readiness: every dependency answers (status and latency of each) and the process is not shutting
   * down. 503 with the same body otherwise.
   */
  @Get('ready')
  @ApiOkResponse({ description: 'Ready to serve traffic' })
  @ApiServiceUnavailableResponse({ description: 'A dependency is down, or the process is shutting down' })
  async ready(@Res({ passthrough: true }) res: Response): Promise<HealthCheckResult> {
    res.setHeader('Cache-Control', 'no-store');
    try {
      return await this.health.check(this.checks.map((check) => () => this.run(check)));
    } catch (err) {
      if (!(err instanceof ServiceUnavailableException)) throw err;
      res.status(503);
      return err.getResponse() as HealthCheckResult;
    }
  }

  private async run(check: ReadinessCheck): Promise<HealthIndicatorResult> {
    const indicator = this.indicators.check(check.name);
    const { status, ...details } = await check.check();
    return status === 'up' ? indicator.up(details) : indicator.down(details);
  }
}
