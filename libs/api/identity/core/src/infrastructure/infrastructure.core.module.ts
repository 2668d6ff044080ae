import { Module } from '@nestjs/common';
import { JobStatsService } from './job-stats.service';
import { TraceStoreReader } from './trace-store.reader';
import { TracesService } from './traces.service';

/** The platform's infrastructure views (traces, job statistics): services and store readers; exports the services. */
@Module({
  providers: [TraceStoreReader, TracesService, JobStatsService],
  exports: [TracesService, JobStatsService],
})
export class InfrastructureCoreModule {}
