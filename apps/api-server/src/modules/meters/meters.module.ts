import { Module } from '@nestjs/common';
import { EventsModule } from '@ppt/events';
import { UnitsModule } from '../units/units.module';
import { MetersController } from './meters.controller';
import { MetersRepository } from './meters.repository';
import { MetersService } from './meters.service';

@Module({
  imports: [UnitsModule, EventsModule],
  controllers: [MetersController],
  providers: [MetersRepository, MetersService],
})
export class MetersModule {}
