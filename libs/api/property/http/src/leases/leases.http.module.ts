import { Module } from '@nestjs/common';
import { LeasesCoreModule } from '@ppt/api-property-core';
import { LeasesController } from './leases.controller';

/** Leases's routes; the rules live in LeasesCoreModule. */
@Module({ imports: [LeasesCoreModule], controllers: [LeasesController] })
export class LeasesHttpModule {}
