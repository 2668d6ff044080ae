import { Module, type DynamicModule } from '@nestjs/common';
import { EVENT_QUEUES, OutboxRelayModule, type DomainEventType } from '@ppt/events';
import {
  IdentityMailJob,
  JobHandlerCheckModule,
  MaintenanceJob,
  NotificationJob,
  QueueName,
  SyndicationJob,
} from '@ppt/queue';
import type { ApiServerEnv } from './api-server.env';
import { commonModules } from './common.modules';
import { AlertJobsModule, HealthHistoryCoreModule, IdentityMailWorkerModule } from '@ppt/api-identity-core';
import { AnnouncementsCoreModule, NotificationDeliveryJobsModule, VotesCoreModule } from '@ppt/api-community-core';
import { AssistantEmbeddingsModule } from '@ppt/api-assistant-core';
import { DocumentJobsModule, DocumentSearchJobsModule } from '@ppt/api-documents-core';
import { FinanceCoreModule } from '@ppt/api-finance-core';
import { LeasesCoreModule } from '@ppt/api-property-core';
import { LeadsWorkerModule } from '@ppt/api-marketing-core';
import { SyndicationWorkerModule } from '@ppt/api-marketing-core';
import { IdempotencyExpiryJobsModule } from '@ppt/api-shared';
import { LeadHandlingJobsModule } from '@ppt/api-marketing-core';

/**
 * The PM API's worker process: the outbox relay, queue consumers and repeatable jobs (@Scheduled methods,
 * collected, scoped and registered by JobHandlerCheckModule) (never in HTTP pods, so N API
 * replicas never fire a schedule N times). Serves only health and metrics over HTTP.
 */
@Module({})
export class WorkerModule {
  static register(env: ApiServerEnv): DynamicModule {
    return {
      module: WorkerModule,
      imports: [
        ...commonModules(env, 'worker'),
        OutboxRelayModule.register(),
        // The core modules whose providers declare @Scheduled jobs (JobHandlerCheckModule collects them).
        LeasesCoreModule,
        FinanceCoreModule,
        VotesCoreModule,
        AnnouncementsCoreModule,
        DocumentJobsModule,
        // Organisations' own embedding models (the assistant's settings) for indexing and the backfill.
        AssistantEmbeddingsModule,
        DocumentSearchJobsModule,
        SyndicationWorkerModule,
        IdentityMailWorkerModule,
        LeadsWorkerModule,
        NotificationDeliveryJobsModule,
        LeadHandlingJobsModule,
        IdempotencyExpiryJobsModule,
        HealthHistoryCoreModule,
        AlertJobsModule,
        JobHandlerCheckModule.forRoot({
          [QueueName.Maintenance]: [
            ...Object.values(MaintenanceJob),
            ...eventsRoutedTo(QueueName.Maintenance),
          ],
          [QueueName.IdentityMail]: Object.values(IdentityMailJob),
          [QueueName.Notifications]: [
            ...Object.values(NotificationJob),
            ...eventsRoutedTo(QueueName.Notifications),
          ],
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
