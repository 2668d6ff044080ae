import { Module } from '@nestjs/common';
import { BuildingsCoreModule } from '../buildings/buildings.core.module';
import { UnitsCoreModule } from '../units/units.core.module';
import { InspectionsRepository } from './inspections.repository';
import { InspectionsService } from './inspections.service';

@Module({
  imports: [BuildingsCoreModule, UnitsCoreModule],
  providers: [InspectionsRepository, InspectionsService],
  exports: [InspectionsService],
})
export class InspectionsCoreModule {}
