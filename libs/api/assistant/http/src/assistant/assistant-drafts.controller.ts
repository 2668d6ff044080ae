import { Body, Controller, Get, Param, ParseUUIDPipe, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Permission, RequirePermission } from '@ppt/auth';
import { ApiRateLimited } from '@ppt/http';
import type { AssistantDraft } from '@ppt/api-db';
import { CurrentTenant, type Tenant } from '@ppt/api-shared';
import { AssistantDraftsService } from '@ppt/api-assistant-core';
import {
  AnnouncementDraftDto,
  AssistantDraftListResponse,
  AssistantDraftResponse,
  DocumentSummaryDraftDto,
  EditDraftDto,
  LeaseDraftDto,
  ListDraftsQueryDto,
  ListingDescriptionDraftDto,
} from '@ppt/api-assistant-core';

/** Texts the assistant drafts for staff to edit and use: saved as drafts, never published or sent. */
@ApiTags('assistant')
@ApiBearerAuth()
@Controller('assistant/drafts')
export class AssistantDraftsController {
  constructor(private readonly drafts: AssistantDraftsService) {}

  @Post('listing-description')
  @ApiRateLimited()
  @RequirePermission(Permission.ListingManage)
  @ApiCreatedResponse({
    type: AssistantDraftResponse,
    description: 'One description within the portal’s length limit',
  })
  async listingDescription(
    @CurrentTenant() t: Tenant,
    @Body() dto: ListingDescriptionDraftDto,
  ): Promise<AssistantDraftResponse> {
    return toDraft(
      await this.drafts.listingDescription(t, {
        listingId: dto.listingId,
        language: dto.language,
        tone: dto.tone ?? 'neutral',
        portal: dto.portal ?? 'reality-portal',
      }),
    );
  }

  @Post('announcement')
  @ApiRateLimited()
  @RequirePermission(Permission.AnnouncementManage)
  @ApiCreatedResponse({ type: AssistantDraftResponse, description: 'Several variants to choose from' })
  async announcement(
    @CurrentTenant() t: Tenant,
    @Body() dto: AnnouncementDraftDto,
  ): Promise<AssistantDraftResponse> {
    return toDraft(
      await this.drafts.announcement(t, {
        topic: dto.topic,
        details: dto.details,
        language: dto.language,
        tone: dto.tone ?? 'neutral',
        variants: dto.variants ?? 3,
      }),
    );
  }

  @Post('document-summary')
  @ApiRateLimited()
  @RequirePermission(Permission.AssistantDraft)
  @ApiCreatedResponse({
    type: AssistantDraftResponse,
    description:
      'A summary of the document’s extracted text (map-reduce for long documents), kept with the document (subjectId)',
  })
  async documentSummary(
    @CurrentTenant() t: Tenant,
    @Body() dto: DocumentSummaryDraftDto,
  ): Promise<AssistantDraftResponse> {
    return toDraft(
      await this.drafts.documentSummary(t, { documentId: dto.documentId, language: dto.language ?? 'cs' }),
    );
  }

  @Post('lease')
  @ApiRateLimited()
  @RequirePermission(Permission.LeaseManage)
  @ApiCreatedResponse({
    type: AssistantDraftResponse,
    description: 'A lease agreement draft from the lease, unit and tenant data',
  })
  async lease(@CurrentTenant() t: Tenant, @Body() dto: LeaseDraftDto): Promise<AssistantDraftResponse> {
    return toDraft(await this.drafts.lease(t, { leaseId: dto.leaseId, language: dto.language ?? 'cs' }));
  }

  @Get()
  @RequirePermission(Permission.AssistantDraft)
  @ApiOkResponse({ type: AssistantDraftListResponse, description: 'Newest first' })
  async list(
    @CurrentTenant() t: Tenant,
    @Query() query: ListDraftsQueryDto,
  ): Promise<AssistantDraftListResponse> {
    return { items: (await this.drafts.list(t, query.subjectId)).map(toDraft) };
  }

  @Get(':id')
  @RequirePermission(Permission.AssistantDraft)
  @ApiOkResponse({ type: AssistantDraftResponse })
  async get(
    @CurrentTenant() t: Tenant,
    @Param('id', ParseUUIDPipe) id: string,
  ): Promise<AssistantDraftResponse> {
    return toDraft(await this.drafts.get(t, id));
  }

  @Patch(':id')
  @RequirePermission(Permission.AssistantDraft)
  @ApiOkResponse({ type: AssistantDraftResponse, description: 'Your edit of the text(s)' })
  async edit(
    @CurrentTenant() t: Tenant,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: EditDraftDto,
  ): Promise<AssistantDraftResponse> {
    return toDraft(await this.drafts.edit(t, id, dto.variants));
  }
}

function toDraft(d: AssistantDraft): AssistantDraftResponse {
  return {
    id: d.id,
    kind: d.kind,
    subjectId: d.subjectId,
    language: d.language,
    templateId: d.templateId,
    parameters: d.parameters,
    variants: d.variants,
    status: 'draft',
    createdByUserId: d.createdByUserId,
    createdAt: d.createdAt,
    updatedAt: d.updatedAt,
  };
}
