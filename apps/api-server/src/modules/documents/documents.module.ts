import { Module } from '@nestjs/common';
import { EventsModule } from '@ppt/events';
import { UnitsModule } from '../units/units.module';
import { DirectUploadsController } from './direct-uploads.controller';
import { DocumentAccess } from './document-access';
import { DocumentIntake } from './document-intake.service';
import { DocumentJobs } from './document-jobs';
import { DocumentsController } from './documents.controller';
import { DocumentsRepository } from './documents.repository';
import { DocumentsService } from './documents.service';
import { ListingPhotosController } from './listing-photos.controller';
import { LocalStorageController } from './local-storage.controller';

/** The documents API (HTTP side). Storage comes from the global StorageModule. */
@Module({
  imports: [UnitsModule, EventsModule],
  controllers: [
    DocumentsController,
    DirectUploadsController,
    ListingPhotosController,
    LocalStorageController,
  ],
  providers: [DocumentsRepository, DocumentAccess, DocumentsService, DocumentIntake, DocumentJobs],
  exports: [DocumentsService, DocumentIntake, DocumentAccess, DocumentsRepository],
})
export class DocumentsModule {}
