import { Module } from '@nestjs/common';
import { UnitsCoreModule } from '@ppt/api-property-core';
import { UnitsController } from './units.controller';

/** Units's routes; the rules live in UnitsCoreModule. */
@Module({ imports: [UnitsCoreModule], controllers: [UnitsController] })
export class UnitsHttpModule {}
