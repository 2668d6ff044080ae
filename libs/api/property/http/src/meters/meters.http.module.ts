import { Module } from '@nestjs/common';
import { MetersCoreModule } from '@ppt/api-property-core';
import { MetersController } from './meters.controller';

/** Meters's routes; the rules live in MetersCoreModule. */
@Module({ imports: [MetersCoreModule], controllers: [MetersController] })
export class MetersHttpModule {}
