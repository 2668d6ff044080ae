import { Module } from '@nestjs/common';
import { EventsModule } from '@ppt/events';
import { UnitsCoreModule } from '../units/units.core.module';
import { MetersRepository } from './meters.repository';
import { MetersService } from './meters.service';

@Module({
  imports: [UnitsCoreModule, EventsModule],
  providers: [MetersRepository, MetersService],
  exports: [MetersService],
})
export class MetersCoreModule {}
