import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Permission, RequirePermission } from '@ppt/auth';
import { CurrentTenant, type Tenant } from '@ppt/api-shared';
import { ApiRateLimited } from '@ppt/http';
import {
  DocumentSearchQueryDto,
  DocumentSearchResponse,
  DocumentSearchService,
} from '@ppt/api-documents-core';

@ApiTags('assistant')
@ApiBearerAuth()
@RequirePermission(Permission.DocumentRead)
@Controller('assistant')
export class DocumentSearchController {
  constructor(private readonly search: DocumentSearchService) {}

  @Get('search')
  @ApiRateLimited()
  @ApiOkResponse({
    type: DocumentSearchResponse,
    description:
      'Chunks of the documents the caller may see, best first, each citing its document, version, page and ' +
      'chunk with a link (what the assistant retrieves for a question)',
  })
  find(@CurrentTenant() t: Tenant, @Query() query: DocumentSearchQueryDto): Promise<DocumentSearchResponse> {
    return this.search.searchAsked(t, query.q, query.limit);
  }
}
