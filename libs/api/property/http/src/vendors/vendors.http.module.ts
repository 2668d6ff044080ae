import { Module } from '@nestjs/common';
import { VendorsCoreModule } from '@ppt/api-property-core';
import { VendorsController } from './vendors.controller';

/** Vendors's routes; the rules live in VendorsCoreModule. */
@Module({ imports: [VendorsCoreModule], controllers: [VendorsController] })
export class VendorsHttpModule {}
