import { Module } from '@nestjs/common';
import { EventsModule } from '@ppt/events';
import { BuildingsModule } from '../buildings/buildings.module';
import { UnitsModule } from '../units/units.module';
import { VendorsModule } from '../vendors/vendors.module';
import { FaultsController } from './faults.controller';
import { FaultsRepository } from './faults.repository';
import { FaultsService } from './faults.service';

@Module({
  imports: [BuildingsModule, UnitsModule, VendorsModule, EventsModule],
  controllers: [FaultsController],
  providers: [FaultsRepository, FaultsService],
})
export class FaultsModule {}
