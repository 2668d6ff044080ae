import { Module, type DynamicModule } from '@nestjs/common';
import { PlatformModule } from '@ppt/platform';
import { EVENT_QUEUES, OutboxRelayModule, type DomainEventType } from '@ppt/events';
import {
  IdentityMailJob,
  JobHandlerCheckModule,
  MaintenanceJob,
  QueueName,
  SyndicationJob,
} from '@ppt/queue';
import { StorageModule } from '@ppt/storage';
import type { ApiServerEnv } from './api-server.env';
import { IdentityMailWorkerModule } from './modules/auth/identity-mail-worker.module';
import { AnnouncementsPublishDueModule } from './modules/announcements/announcements-publish-due.module';
import { DocumentJobsModule } from './modules/documents/document-jobs.module';
import { storageSettingsOf } from './modules/documents/documents.env';
import { FinanceOverdueModule } from './modules/finance/finance-overdue.module';
import { LeaseLifecycleModule } from './modules/leases/lease-lifecycle.module';
import { VotesCloseDueModule } from './modules/votes/votes-close-due.module';
import { IdempotencyExpiryJobsModule } from './modules/idempotency-expiry/idempotency-expiry.core.module';
import { LeadHandlingJobsModule } from './modules/lead-handling/lead-handling.core.module';
import { LeadsWorkerModule } from './modules/leads/leads.module';
import { SyndicationWorkerModule } from './modules/syndication/syndication.module';

/**
 * The PM API's worker process: the outbox relay, queue consumers and repeatable jobs (never in HTTP pods, so N API
 * replicas never fire a schedule N times). Serves only health and metrics over HTTP.
 */
@Module({})
export class WorkerModule {
  static register(env: ApiServerEnv): DynamicModule {
    return {
      module: WorkerModule,
      imports: [
        PlatformModule.forRoot({
          env,
          service: 'api-worker',
          role: 'worker',
          confinedToSchema: 'public',
          runsPlatformJobs: true,
        }),
        OutboxRelayModule.register(),
        StorageModule.forRoot(storageSettingsOf(env)),
        LeaseLifecycleModule,
        FinanceOverdueModule,
        VotesCloseDueModule,
        AnnouncementsPublishDueModule,
        DocumentJobsModule,
        SyndicationWorkerModule,
        IdentityMailWorkerModule,
        LeadsWorkerModule,
        LeadHandlingJobsModule,
        IdempotencyExpiryJobsModule,
        JobHandlerCheckModule.forRoot({
          [QueueName.Maintenance]: [
            ...Object.values(MaintenanceJob),
            ...eventsRoutedTo(QueueName.Maintenance),
          ],
          [QueueName.IdentityMail]: Object.values(IdentityMailJob),
          [QueueName.Syndication]: [
            ...eventsRoutedTo(QueueName.Syndication),
            ...Object.values(SyndicationJob),
          ],
        }),
      ],
    };
  }
}

/** The event types the outbox relay puts on a queue (each is a job name there). */
function eventsRoutedTo(queue: QueueName): DomainEventType[] {
  return (Object.keys(EVENT_QUEUES) as DomainEventType[]).filter((type) =>
    EVENT_QUEUES[type].includes(queue),
  );
}
