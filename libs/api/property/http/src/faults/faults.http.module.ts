import { Module } from '@nestjs/common';
import { FaultsCoreModule } from '@ppt/api-property-core';
import { FaultsController } from './faults.controller';

/** Faults's routes; the rules live in FaultsCoreModule. */
@Module({ imports: [FaultsCoreModule], controllers: [FaultsController] })
export class FaultsHttpModule {}
