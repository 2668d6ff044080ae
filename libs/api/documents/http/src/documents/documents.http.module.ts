import { Module } from '@nestjs/common';
import { DocumentsCoreModule } from '@ppt/api-documents-core';
import { DirectUploadsController } from './direct-uploads.controller';
import { DocumentsController } from './documents.controller';
import { ListingPhotosController } from './listing-photos.controller';
import { LocalStorageController } from './local-storage.controller';

/** Documents's routes; the rules live in DocumentsCoreModule. */
@Module({ imports: [DocumentsCoreModule], controllers: [DocumentsController, DirectUploadsController, ListingPhotosController, LocalStorageController] })
export class DocumentsHttpModule {}
