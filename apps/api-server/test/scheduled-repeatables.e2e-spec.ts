import { getQueueToken } from '@nestjs/bull';
import type { INestApplication } from '@nestjs/common';
import { MaintenanceJob, QueueName, SyndicationJob, waitForJob } from '@ppt/queue';
import type { Queue } from 'bull';
import { bootApiServer, type BootedApiServer, createTestWorker } from './boot';

/**
 * The worker's schedule collector after a deploy: repeatables of jobs that no longer exist, and a
 * scheduled job's repeatable under an old cron, are removed; each current schedule exists once.
 */
describe('scheduled jobs: repeatables after a deploy', () => {
  let server: BootedApiServer;
  let worker: INestApplication | undefined;

  beforeAll(async () => {
    server = await bootApiServer();
  });
  afterAll(async () => {
    await worker?.close();
    await server.close();
  });

  it('removes the repeatables no schedule owns and keeps one per schedule', async () => {
    // What an older release left behind: a retired job, and the lease pass at its former hour.
    const maintenance = server.app.get<Queue>(getQueueToken(QueueName.Maintenance));
    await maintenance.add(
      'retired-job',
      {},
      { repeat: { cron: '0 5 * * *', tz: 'UTC' }, jobId: 'retired-job' },
    );
    await maintenance.add(
      MaintenanceJob.LeaseLifecycle,
      {},
      { repeat: { cron: '0 1 * * *', tz: 'UTC' }, jobId: MaintenanceJob.LeaseLifecycle },
    );

    worker = await createTestWorker(server);
    await worker.init();
    const second = await createTestWorker(server);
    await second.init();
    await second.close();

    const names = async (queue: QueueName) =>
      (await worker!.get<Queue>(getQueueToken(queue)).getRepeatableJobs())
        .map((j) => [j.name, j.cron, j.tz])
        .sort((a, b) => String(a[0]).localeCompare(String(b[0])));
    expect(await names(QueueName.Maintenance)).toEqual([
      [MaintenanceJob.AlertRulesEvaluate, '* * * * *', 'UTC'],
      [MaintenanceJob.AnnouncementsPublishDue, '* * * * *', 'UTC'],
      [MaintenanceJob.DocumentSearchBackfill, '*/10 * * * *', 'UTC'],
      [MaintenanceJob.DocumentStorageCleanup, '20 * * * *', 'UTC'],
      [MaintenanceJob.FinanceOverdue, '30 2 * * *', 'UTC'],
      [MaintenanceJob.HealthHistoryRecord, '* * * * *', 'UTC'],
      [MaintenanceJob.IdempotencyKeysExpire, '50 2 * * *', 'UTC'],
      [MaintenanceJob.LeaseLifecycle, '0 2 * * *', 'UTC'],
      [MaintenanceJob.VotesCloseDue, '* * * * *', 'UTC'],
      [MaintenanceJob.WebhookReceiptsExpire, '45 2 * * *', 'UTC'],
    ]);
    expect(await names(QueueName.Syndication)).toEqual([
      [SyndicationJob.ReadPortalReports, '*/10 * * * *', 'UTC'],
      [SyndicationJob.Reconcile, '30 3 * * *', 'UTC'],
    ]);
  });

  it('runs every scheduled job through its queue as the repeatable does, to completion', async () => {
    // Bull calls a @Scheduled method with the Job as its argument; a handler that took it for its
    // `now` failed on every run (seen: "invalid input syntax for type timestamp" from the votes pass).
    expect(worker).toBeDefined();
    for (const name of [QueueName.Maintenance, QueueName.Syndication]) {
      const queue = worker!.get<Queue>(getQueueToken(name));
      for (const { name: job } of await queue.getRepeatableJobs()) {
        const run = await queue.add(job, {}, { attempts: 1 });
        const outcome = await waitForJob(run, 30_000).then(
          () => 'completed',
          (err: Error) => `failed: ${err.message.slice(0, 200)}`,
        );
        expect({ job, outcome }).toEqual({ job, outcome: 'completed' });
      }
    }
  }, 120_000);
});
