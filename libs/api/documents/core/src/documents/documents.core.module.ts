import { Module } from '@nestjs/common';
import { UnitsCoreModule } from '@ppt/api-property-core';
import { EventsModule } from '@ppt/events';
import { DocumentAccess } from './document-access';
import { DocumentIntake } from './document-intake.service';
import { DocumentJobs } from './document-jobs';
import { DocumentText } from './jobs/document-text';
import { DocumentStorageCleanup } from './jobs/storage-cleanup';
import { StagingPuts } from './staging-puts';
import { DocumentsDataModule } from './documents-data.module';
import { DocumentsService } from './documents.service';

/** The documents API (HTTP side). Storage comes from the global StorageModule. */
@Module({
  imports: [UnitsCoreModule, EventsModule, DocumentsDataModule],
  providers: [
    DocumentAccess,
    DocumentsService,
    DocumentIntake,
    DocumentJobs,
    DocumentText,
    DocumentStorageCleanup,
    StagingPuts,
  ],
  // The repository (through DocumentsDataModule) stays visible inside the documents context (uploads, the worker's removal job).
  exports: [
    DocumentsService,
    DocumentIntake,
    DocumentAccess,
    DocumentsDataModule,
    DocumentJobs,
    DocumentText,
    DocumentStorageCleanup,
    StagingPuts,
  ],
})
export class DocumentsCoreModule {}
