import { Module } from '@nestjs/common';
import { EventsModule } from '@ppt/events';
import { PeopleCoreModule } from '../people/people.core.module';
import { UnitsCoreModule } from '../units/units.core.module';
import { LeaseLifecycle } from './lease-lifecycle';
import { LeasesRepository } from './leases.repository';
import { LeasesService } from './leases.service';

@Module({
  imports: [UnitsCoreModule, PeopleCoreModule, EventsModule],
  providers: [LeasesRepository, LeasesService, LeaseLifecycle],
  exports: [LeasesService, LeaseLifecycle],
})
export class LeasesCoreModule {}
