import { Injectable, Logger } from '@nestjs/common';
import { TenantTransactions } from '@ppt/db';
import { Readiness, type ReadinessReading } from '@ppt/http';
import type { DependencyStatus } from '@ppt/observability';
import { MaintenanceJob, Scheduled } from '@ppt/queue';
import { HealthHistoryEnv } from './health-history.env';
import { READY, scrubError } from './health-history.rules';
import { HealthSamplesRepository, type SampleDraft } from './health-samples.repository';
import { RealityServerProbe } from './reality-server.probe';

/** Every minute. */
export const HEALTH_HISTORY_CRON = '* * * * *';

/**
 * Records, each minute, every dependency of api-server and reality-server as their readiness checks
 * see it (issue #22, item 5), and deletes samples past HEALTH_HISTORY_RETENTION_DAYS.
 *
 * api-server's are checked in this process with the same checks as its /health/ready (the worker
 * shares the HTTP pods' image, configuration and dependencies). reality-server's come from its own
 * /health/ready over HTTP: recording them from the portal's worker instead would need a grant outside
 * the portal schema for reality-server's database role, which reaches nothing else.
 */
@Injectable()
export class HealthHistoryRecorder {
  private readonly logger = new Logger(HealthHistoryRecorder.name);

  constructor(
    private readonly readiness: Readiness,
    private readonly realityServer: RealityServerProbe,
    private readonly samples: HealthSamplesRepository,
    private readonly tenant: TenantTransactions,
    private readonly env: HealthHistoryEnv,
  ) {}

  // One attempt: a retried minute would record a later moment, and the next minute's run comes anyway.
  @Scheduled({
    job: MaintenanceJob.HealthHistoryRecord,
    cron: HEALTH_HISTORY_CRON,
    scope: 'health-history',
    attempts: 1,
  })
  async record(now: Date): Promise<{ recorded: number; deleted: number }> {
    const [api, reality] = await Promise.all([this.readiness.read(), this.realityServer.read()]);
    const drafts: SampleDraft[] = [
      draft(
        'api-server',
        READY,
        api.ready ? { status: 'up', latencyMs: maxLatency(api.dependencies) } : notReady(api),
      ),
      ...api.dependencies.map((d) => draft('api-server', d.name, d.status)),
      ...(reality
        ? [
            draft('reality-server', READY, reality.ready),
            ...reality.dependencies.map((d) => draft('reality-server', d.name, d.status)),
          ]
        : []),
    ];
    const cutoff = new Date(now.getTime() - this.env.HEALTH_HISTORY_RETENTION_DAYS * 86_400_000);
    const result = await this.tenant.runPlatformJob(async (m) => ({
      recorded: await this.samples.insert(m, now, drafts),
      deleted: await this.samples.deleteRecordedBefore(m, cutoff),
    }));
    const down = drafts.filter((d) => d.status === 'down').map((d) => `${d.app}/${d.dependency}`);
    if (down.length > 0) this.logger.warn(`Health history: down: ${down.join(', ')}`);
    return result;
  }
}

function draft(app: SampleDraft['app'], dependency: string, status: DependencyStatus): SampleDraft {
  return {
    app,
    dependency,
    status: status.status,
    latencyMs: status.latencyMs,
    error: status.status === 'down' ? scrubError(status.error ?? 'down') : null,
  };
}

/** The checks run in parallel: the verdict took as long as the slowest. */
function maxLatency(dependencies: { status: DependencyStatus }[]): number {
  return Math.max(0, ...dependencies.map((d) => d.status.latencyMs));
}

function notReady(reading: ReadinessReading): DependencyStatus {
  const down = reading.dependencies
    .filter((d) => d.required && d.status.status === 'down')
    .map((d) => d.name);
  return {
    status: 'down',
    latencyMs: maxLatency(reading.dependencies),
    error: `not ready: ${down.join(', ')} down`,
  };
}
