import { Module } from '@nestjs/common';
import { EventsModule } from '@ppt/events';
import { BuildingsCoreModule } from '../buildings/buildings.core.module';
import { UnitsCoreModule } from '../units/units.core.module';
import { VendorsCoreModule } from '../vendors/vendors.core.module';
import { FaultsRepository } from './faults.repository';
import { FaultsService } from './faults.service';

@Module({
  imports: [BuildingsCoreModule, UnitsCoreModule, VendorsCoreModule, EventsModule],
  providers: [FaultsRepository, FaultsService],
  exports: [FaultsService],
})
export class FaultsCoreModule {}
