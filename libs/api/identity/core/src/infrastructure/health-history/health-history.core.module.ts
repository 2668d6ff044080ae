import { Module } from '@nestjs/common';
import { HealthHistoryRecorder } from './health-history.recorder';
import { HealthHistoryService } from './health-history.service';
import { HealthSamplesRepository } from './health-samples.repository';
import { RealityServerProbe } from './reality-server.probe';

/**
 * The health history (issue #22, item 5): the minute's recorder (an @Scheduled job the worker runs)
 * and the query service the HTTP API uses.
 */
@Module({
  providers: [HealthSamplesRepository, RealityServerProbe, HealthHistoryRecorder, HealthHistoryService],
  exports: [HealthHistoryService],
})
export class HealthHistoryCoreModule {}
