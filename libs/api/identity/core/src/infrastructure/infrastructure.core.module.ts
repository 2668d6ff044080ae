import { Module } from '@nestjs/common';
import { HealthHistoryCoreModule } from './health-history/health-history.core.module';
import { JobStatsService } from './job-stats.service';
import { TraceStoreReader } from './trace-store.reader';
import { TracesService } from './traces.service';

/** The platform's infrastructure views (traces, job statistics, health history): services and store readers; exports the services. */
@Module({
  imports: [HealthHistoryCoreModule],
  providers: [TraceStoreReader, TracesService, JobStatsService],
  exports: [TracesService, JobStatsService, HealthHistoryCoreModule],
})
export class InfrastructureCoreModule {}
