import { Module } from '@nestjs/common';
import { EventsModule } from '@ppt/events';
import { LeaseLifecycle } from './lease-lifecycle';
import { LeaseLifecycleProcessor } from './jobs/lease-lifecycle.processor';
import { LeasesRepository } from './leases.repository';

/** Worker side of leases: the daily lifecycle job (no controllers: workers serve no API). */
@Module({
  imports: [EventsModule],
  providers: [LeasesRepository, LeaseLifecycle, LeaseLifecycleProcessor],
  exports: [LeaseLifecycle],
})
export class LeaseLifecycleModule {}
