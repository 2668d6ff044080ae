import { Module } from '@nestjs/common';
import { DocumentsRepository } from './documents.repository';

/**
 * The documents repository, declared once: the documents core (HTTP and worker) and the worker's
 * indexing (which must not pull in the HTTP-side providers) both import it. It stays inside the
 * documents context (the context's index never exports it).
 */
@Module({ providers: [DocumentsRepository], exports: [DocumentsRepository] })
export class DocumentsDataModule {}
