export { DocumentsHttpModule } from './documents/documents.http.module';
export { UploadsHttpModule } from './uploads/uploads.http.module';
