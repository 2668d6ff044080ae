import { getQueueToken } from '@nestjs/bull';
import type { INestApplication } from '@nestjs/common';
import { MaintenanceJob, QueueName, SyndicationJob } from '@ppt/queue';
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
      [MaintenanceJob.DocumentStorageCleanup, '20 * * * *', 'UTC'],
      [MaintenanceJob.FinanceOverdue, '30 2 * * *', 'UTC'],
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
});
