import {
  Body,
  Controller,
  Get,
  Headers,
  HttpCode,
  Param,
  ParseIntPipe,
  ParseUUIDPipe,
  Post,
  Put,
  Req,
} from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiConsumes,
  ApiCreatedResponse,
  ApiHeader,
  ApiOkResponse,
  ApiTags,
} from '@nestjs/swagger';
import { Permission, RequirePermission } from '@ppt/auth';
import type { Request } from 'express';
import { Meta, type RequestMeta } from '@ppt/api-shared';
import { CurrentTenant, type Tenant } from '@ppt/api-shared';
import { DocumentResponse } from '@ppt/api-documents-core';
import { StartUploadDto, UploadStatusResponse } from '@ppt/api-documents-core';
import { UploadsService } from '@ppt/api-documents-core';

@ApiTags('uploads')
@ApiBearerAuth()
@RequirePermission(Permission.DocumentRead)
@Controller('uploads')
export class UploadsController {
  constructor(private readonly uploads: UploadsService) {}

  @Post()
  @ApiCreatedResponse({
    type: UploadStatusResponse,
    description:
      'A resumable upload with the document metadata; send chunks 1…chunkCount. 413 UPLOAD_TOO_LARGE above UPLOAD_MAX_BYTES',
  })
  start(
    @CurrentTenant() t: Tenant,
    @Body() dto: StartUploadDto,
    @Meta() meta: RequestMeta,
  ): Promise<UploadStatusResponse> {
    return this.uploads.start(t, dto, meta);
  }

  @Get(':id')
  @ApiOkResponse({
    type: UploadStatusResponse,
    description: 'Received and missing chunks, and how far along',
  })
  status(@CurrentTenant() t: Tenant, @Param('id', ParseUUIDPipe) id: string): Promise<UploadStatusResponse> {
    return this.uploads.status(t, id);
  }

  @Put(':id/chunks/:n')
  @ApiConsumes('application/octet-stream')
  @ApiBody({ schema: { type: 'string', format: 'binary' } })
  @ApiHeader({ name: 'X-Chunk-Sha256', required: true, description: 'SHA-256 of the chunk, hex' })
  @ApiOkResponse({
    type: UploadStatusResponse,
    description:
      'Chunk n (1-based), exactly chunkSizeBytes long except the last. 422 CHUNK_CHECKSUM_MISMATCH (send it again), CHUNK_SIZE_MISMATCH; 409 CHUNK_IN_PROGRESS while another request stores the same chunk, CHUNK_CONFLICT for other bytes than a received chunk; re-sending a received chunk is harmless',
  })
  putChunk(
    @CurrentTenant() t: Tenant,
    @Param('id', ParseUUIDPipe) id: string,
    @Param('n', ParseIntPipe) n: number,
    @Headers('x-chunk-sha256') sha256: string | undefined,
    @Req() req: Request,
  ): Promise<UploadStatusResponse> {
    return this.uploads.putChunk(t, id, n, req, sha256);
  }

  @Post(':id/complete')
  @HttpCode(200)
  @ApiOkResponse({
    type: DocumentResponse,
    description:
      'Joins the chunks in storage and activates the document (with the upload, in one transaction). 409 UPLOAD_INCOMPLETE (details list the missing chunks), 422 FILE_CHECKSUM_MISMATCH, 415 UNSUPPORTED_DOCUMENT_TYPE (both fail the upload); 503 STORAGE_UNAVAILABLE leaves it open: complete again',
  })
  complete(
    @CurrentTenant() t: Tenant,
    @Param('id', ParseUUIDPipe) id: string,
    @Meta() meta: RequestMeta,
  ): Promise<DocumentResponse> {
    return this.uploads.complete(t, id, meta);
  }
}
