import { Module } from '@nestjs/common';
import { VendorsRepository } from './vendors.repository';
import { VendorsService } from './vendors.service';

@Module({
  providers: [VendorsRepository, VendorsService],
  exports: [VendorsRepository, VendorsService],
})
export class VendorsCoreModule {}
