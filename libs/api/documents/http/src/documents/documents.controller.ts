import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Patch,
  Post,
  Query,
  Req,
  Res,
} from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiConsumes,
  ApiCreatedResponse,
  ApiFoundResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiTags,
} from '@nestjs/swagger';
import { Permission, RequirePermission } from '@ppt/auth';
import { DOCUMENT_CATEGORIES, DOCUMENT_VISIBILITIES } from '@ppt/api-db';
import type { Page } from '@ppt/http';
import type { Request, Response } from 'express';
import { Meta, type RequestMeta } from '@ppt/api-shared';
import { CurrentTenant, type Tenant } from '@ppt/api-shared';
import { DocumentIntake } from '@ppt/api-documents-core';
import { DocumentsService } from '@ppt/api-documents-core';
import {
  DocumentPageResponse,
  DocumentResponse,
  DocumentTextResponse,
  DownloadQueryDto,
  DownloadUrlResponse,
  ListDocumentsQueryDto,
  SignDocumentDto,
  UpdateDocumentDto,
} from '@ppt/api-documents-core';

const uuid = { type: 'string', format: 'uuid' } as const;

@ApiTags('documents')
@ApiBearerAuth()
@RequirePermission(Permission.DocumentRead)
@Controller('documents')
export class DocumentsController {
  constructor(
    private readonly documents: DocumentsService,
    private readonly intake: DocumentIntake,
  ) {}

  @Get()
  @ApiOkResponse({
    type: DocumentPageResponse,
    description: 'Residents see the documents whose visibility includes them; realtors see photos',
  })
  list(@CurrentTenant() t: Tenant, @Query() query: ListDocumentsQueryDto): Promise<Page<DocumentResponse>> {
    return this.documents.list(t, query);
  }

  @Post()
  @ApiConsumes('multipart/form-data')
  @ApiBody({
    schema: {
      type: 'object',
      required: ['category', 'file'],
      properties: {
        title: { type: 'string', maxLength: 200 },
        category: { type: 'string', enum: [...DOCUMENT_CATEGORIES] },
        visibility: { type: 'string', enum: [...DOCUMENT_VISIBILITIES], default: 'managers' },
        buildingId: uuid,
        unitId: uuid,
        leaseId: uuid,
        faultId: uuid,
        previousVersionId: uuid,
        file: { type: 'string', format: 'binary', description: 'Last part of the form' },
      },
    },
  })
  @ApiCreatedResponse({
    type: DocumentResponse,
    description:
      'Streamed to storage. Fields before the file. 413 DOCUMENT_TOO_LARGE above DOCUMENT_MAX_BYTES; 415 UNSUPPORTED_DOCUMENT_TYPE unless the bytes are PDF, an image, DOCX/XLSX/PPTX/ODT or UTF-8 text',
  })
  upload(
    @CurrentTenant() t: Tenant,
    @Req() req: Request,
    @Meta() meta: RequestMeta,
  ): Promise<DocumentResponse> {
    return this.intake.uploadStream(t, req, meta);
  }

  @Get(':id')
  @ApiOkResponse({ type: DocumentResponse })
  get(@CurrentTenant() t: Tenant, @Param('id', ParseUUIDPipe) id: string): Promise<DocumentResponse> {
    return this.documents.get(t, id);
  }

  @Get(':id/text')
  @ApiOkResponse({
    type: DocumentTextResponse,
    description: 'Text extracted from a PDF, DOCX or TXT in the background',
  })
  text(@CurrentTenant() t: Tenant, @Param('id', ParseUUIDPipe) id: string): Promise<DocumentTextResponse> {
    return this.documents.text(t, id);
  }

  @Get(':id/download')
  @ApiOkResponse({ type: DownloadUrlResponse, description: 'A presigned URL (STORAGE_PRESIGN_TTL_SECONDS)' })
  @ApiFoundResponse({ description: 'With ?redirect=true: Location is the presigned URL' })
  async download(
    @CurrentTenant() t: Tenant,
    @Param('id', ParseUUIDPipe) id: string,
    @Query() query: DownloadQueryDto,
    @Res() res: Response,
  ): Promise<void> {
    const link = await this.documents.download(t, id);
    res.setHeader('Cache-Control', 'no-store');
    if (query.redirect) res.redirect(302, link.url);
    else res.json(link);
  }

  @Patch(':id')
  @ApiOkResponse({
    type: DocumentResponse,
    description: 'Metadata only: the bytes of a document never change',
  })
  update(
    @CurrentTenant() t: Tenant,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: UpdateDocumentDto,
    @Meta() meta: RequestMeta,
  ): Promise<DocumentResponse> {
    return this.documents.update(t, id, dto, meta);
  }

  @Post(':id/sign')
  @HttpCode(200)
  @ApiOkResponse({
    type: DocumentResponse,
    description:
      'Records the signature and the SHA-256 of the stored bytes; 409 DOCUMENT_SIGNED if already signed',
  })
  sign(
    @CurrentTenant() t: Tenant,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: SignDocumentDto,
    @Meta() meta: RequestMeta,
  ): Promise<DocumentResponse> {
    return this.documents.sign(t, id, dto, meta);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiNoContentResponse({
    description:
      'Deleted at once; the stored object is removed in the background. 409 DOCUMENT_SIGNED for signed documents',
  })
  remove(
    @CurrentTenant() t: Tenant,
    @Param('id', ParseUUIDPipe) id: string,
    @Meta() meta: RequestMeta,
  ): Promise<void> {
    return this.documents.remove(t, id, meta);
  }
}
