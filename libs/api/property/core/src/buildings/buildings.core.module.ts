import { Module } from '@nestjs/common';
import { BuildingsRepository } from './buildings.repository';
import { BuildingsService } from './buildings.service';

@Module({
  providers: [BuildingsRepository, BuildingsService],
  exports: [BuildingsService],
})
export class BuildingsCoreModule {}
