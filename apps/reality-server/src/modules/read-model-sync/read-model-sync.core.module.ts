import { Module } from '@nestjs/common';
import { ReadModelSyncProcessor } from './read-model-sync.processor';
import { ReadModelSyncRepository } from './read-model-sync.repository';

/** Worker only: answers api-server's reconciliation of the read model (no service to export). */
@Module({
  providers: [ReadModelSyncRepository, ReadModelSyncProcessor],
})
export class ReadModelSyncJobsModule {}
