import { Module } from '@nestjs/common';
import { BuildingsCoreModule } from '../buildings/buildings.core.module';
import { PeopleCoreModule } from '../people/people.core.module';
import { ResidentScope } from './resident-scope';
import { UnitsRepository } from './units.repository';
import { UnitsService } from './units.service';

@Module({
  imports: [BuildingsCoreModule, PeopleCoreModule],
  providers: [UnitsRepository, UnitsService, ResidentScope],
  exports: [ResidentScope, UnitsService],
})
export class UnitsCoreModule {}
