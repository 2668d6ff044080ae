import { Module } from '@nestjs/common';
import { UploadsCoreModule } from '@ppt/api-documents-core';
import { UploadsController } from './uploads.controller';

/** Uploads's routes; the rules live in UploadsCoreModule. */
@Module({ imports: [UploadsCoreModule], controllers: [UploadsController] })
export class UploadsHttpModule {}
