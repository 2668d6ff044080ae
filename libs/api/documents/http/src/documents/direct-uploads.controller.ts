import { Body, Controller, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Meta, type RequestMeta } from '@ppt/api-shared';
import { CurrentTenant, type Tenant } from '@ppt/api-shared';
import { DocumentIntake } from '@ppt/api-documents-core';
import { CreateDirectUploadDto, DirectUploadResponse, DocumentResponse } from '@ppt/api-documents-core';
import { Permission, RequirePermission } from '@ppt/auth';

/** Browser → storage uploads that bypass the API: a presigned PUT, then a confirmation. */
@ApiTags('documents')
@ApiBearerAuth()
@RequirePermission(Permission.DocumentRead)
@Controller('documents/uploads')
export class DirectUploadsController {
  constructor(private readonly intake: DocumentIntake) {}

  @Post()
  @ApiCreatedResponse({
    type: DirectUploadResponse,
    description:
      'A pending document and where to PUT its bytes (with exactly the given headers): a staging key, copied to the document at confirm',
  })
  create(
    @CurrentTenant() t: Tenant,
    @Body() dto: CreateDirectUploadDto,
    @Meta() meta: RequestMeta,
  ): Promise<DirectUploadResponse> {
    return this.intake.createDirectUpload(t, dto, meta);
  }

  @Post(':id/confirm')
  @HttpCode(200)
  @ApiOkResponse({
    type: DocumentResponse,
    description:
      'Checks the staged object (size), copies it to the document (never overwriting), sniffs its type and activates the document; confirming again answers the active document. 409 UPLOAD_NOT_RECEIVED, 422 UPLOAD_SIZE_MISMATCH, 415 UNSUPPORTED_DOCUMENT_TYPE',
  })
  confirm(
    @CurrentTenant() t: Tenant,
    @Param('id', ParseUUIDPipe) id: string,
    @Meta() meta: RequestMeta,
  ): Promise<DocumentResponse> {
    return this.intake.confirmDirectUpload(t, id, meta);
  }
}
