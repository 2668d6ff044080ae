import { Module } from '@nestjs/common';
import { BuildingsCoreModule } from '@ppt/api-property-core';
import { BuildingsController } from './buildings.controller';

/** Buildings's routes; the rules live in BuildingsCoreModule. */
@Module({ imports: [BuildingsCoreModule], controllers: [BuildingsController] })
export class BuildingsHttpModule {}
