import { Module } from '@nestjs/common';
import { HealthHistoryCoreModule } from './health-history/health-history.core.module';
import { AlertEvaluator } from './alerts/alert-evaluator';
import { AlertRulesRepository } from './alerts/alert-rules.repository';
import { AlertRulesService } from './alerts/alert-rules.service';
import { AlertSignals } from './alerts/alert-signals';
import { JobStatsService } from './job-stats.service';
import { TraceStoreReader } from './trace-store.reader';
import { TracesService } from './traces.service';

/**
 * The platform's infrastructure views (traces, job statistics, health history) and alert rules:
 * services, store readers and the every-minute alert evaluation (AlertEvaluator.run, @Scheduled);
 * exports the services (and the alerts' repository to AlertJobsModule, the worker's delivery side).
 */
@Module({
  imports: [HealthHistoryCoreModule],
  providers: [
    TraceStoreReader,
    TracesService,
    JobStatsService,
    AlertRulesRepository,
    AlertRulesService,
    AlertSignals,
    AlertEvaluator,
  ],
  exports: [
    TracesService,
    JobStatsService,
    HealthHistoryCoreModule,
    AlertRulesService,
    AlertEvaluator,
    AlertRulesRepository,
  ],
})
export class InfrastructureCoreModule {}
