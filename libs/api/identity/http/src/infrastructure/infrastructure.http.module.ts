import { Module } from '@nestjs/common';
import { InfrastructureCoreModule } from '@ppt/api-identity-core';
import { HealthHistoryController } from './health-history.controller';
import { AlertRulesController } from './alert-rules.controller';
import { JobStatsController } from './job-stats.controller';
import { TracesController } from './traces.controller';

/** `/api/v1/infrastructure/*`: platform administrators only. */
@Module({
  imports: [InfrastructureCoreModule],
  controllers: [TracesController, JobStatsController, HealthHistoryController, AlertRulesController],
})
export class InfrastructureHttpModule {}
