import { Module } from '@nestjs/common';
import { BuildingsModule } from '../buildings/buildings.module';
import { UnitsController } from './units.controller';
import { UnitsRepository } from './units.repository';
import { UnitsService } from './units.service';

@Module({
  imports: [BuildingsModule],
  controllers: [UnitsController],
  providers: [UnitsRepository, UnitsService],
  exports: [UnitsRepository],
})
export class UnitsModule {}
