import { Module } from '@nestjs/common';
import { BuildingsModule } from '../buildings/buildings.module';
import { UnitsModule } from '../units/units.module';
import { InspectionsController } from './inspections.controller';
import { InspectionsRepository } from './inspections.repository';
import { InspectionsService } from './inspections.service';

@Module({
  imports: [BuildingsModule, UnitsModule],
  controllers: [InspectionsController],
  providers: [InspectionsRepository, InspectionsService],
})
export class InspectionsModule {}
