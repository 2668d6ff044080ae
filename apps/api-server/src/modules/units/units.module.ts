import { Module } from '@nestjs/common';
import { BuildingsModule } from '../buildings/buildings.module';
import { PeopleModule } from '../people/people.module';
import { ResidentScope } from './resident-scope';
import { UnitsController } from './units.controller';
import { UnitsRepository } from './units.repository';
import { UnitsService } from './units.service';

@Module({
  imports: [BuildingsModule, PeopleModule],
  controllers: [UnitsController],
  providers: [UnitsRepository, UnitsService, ResidentScope],
  exports: [UnitsRepository, ResidentScope, UnitsService],
})
export class UnitsModule {}
