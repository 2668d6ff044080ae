import { Module } from '@nestjs/common';
import { EventsModule } from '@ppt/events';
import { PeopleModule } from '../people/people.module';
import { UnitsModule } from '../units/units.module';
import { LeasesController } from './leases.controller';
import { LeasesRepository } from './leases.repository';
import { LeasesService } from './leases.service';

@Module({
  imports: [UnitsModule, PeopleModule, EventsModule],
  controllers: [LeasesController],
  providers: [LeasesRepository, LeasesService],
})
export class LeasesModule {}
