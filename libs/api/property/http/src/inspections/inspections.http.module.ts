import { Module } from '@nestjs/common';
import { InspectionsCoreModule } from '@ppt/api-property-core';
import { InspectionsController } from './inspections.controller';

/** Inspections's routes; the rules live in InspectionsCoreModule. */
@Module({ imports: [InspectionsCoreModule], controllers: [InspectionsController] })
export class InspectionsHttpModule {}
