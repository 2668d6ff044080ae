import { Module } from '@nestjs/common';
import { BuildingsController } from './buildings.controller';
import { BuildingsRepository } from './buildings.repository';
import { BuildingsService } from './buildings.service';

@Module({
  controllers: [BuildingsController],
  providers: [BuildingsRepository, BuildingsService],
  exports: [BuildingsRepository, BuildingsService],
})
export class BuildingsModule {}
