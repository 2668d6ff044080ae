import { Module } from '@nestjs/common';
import { UnitsCoreModule } from '@ppt/api-property-core';
import { EventsModule } from '@ppt/events';
import { DocumentAccess } from './document-access';
import { DocumentIntake } from './document-intake.service';
import { DocumentJobs } from './document-jobs';
import { DocumentText } from './jobs/document-text';
import { DocumentStorageCleanup } from './jobs/storage-cleanup';
import { StagingPuts } from './staging-puts';
import { DocumentsRepository } from './documents.repository';
import { DocumentsService } from './documents.service';

/** The documents API (HTTP side). Storage comes from the global StorageModule. */
@Module({
  imports: [UnitsCoreModule, EventsModule],
  providers: [
    DocumentsRepository,
    DocumentAccess,
    DocumentsService,
    DocumentIntake,
    DocumentJobs,
    DocumentText,
    DocumentStorageCleanup,
    StagingPuts,
  ],
  // DocumentsRepository stays visible inside the documents context (uploads, the worker's removal job).
  exports: [
    DocumentsService,
    DocumentIntake,
    DocumentAccess,
    DocumentsRepository,
    DocumentJobs,
    DocumentText,
    DocumentStorageCleanup,
    StagingPuts,
  ],
})
export class DocumentsCoreModule {}
