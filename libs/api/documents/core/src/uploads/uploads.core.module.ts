import { Module } from '@nestjs/common';
import { DocumentsCoreModule } from '../documents/documents.core.module';
import { UploadsRepository } from './uploads.repository';
import { UploadsService } from './uploads.service';

@Module({
  imports: [DocumentsCoreModule],
  providers: [UploadsRepository, UploadsService],
  exports: [UploadsService],
})
export class UploadsCoreModule {}
