export { DocumentsHttpModule } from './documents/documents.http.module';
export { UploadsHttpModule } from './uploads/uploads.http.module';
export { DocumentSearchHttpModule } from './document-search/document-search.http.module';
