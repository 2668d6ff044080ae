import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Roles } from '@ppt/auth';
import { CurrentTenant, type Tenant } from '../../common/tenant';
import { DOCUMENT_ROLES } from '../documents/document-rules';
import { DocumentSearchService } from './document-search.service';
import { DocumentSearchQueryDto, DocumentSearchResponse } from './dto/document-search.dto';

@ApiTags('assistant')
@ApiBearerAuth()
@Roles(...DOCUMENT_ROLES)
@Controller('assistant')
export class DocumentSearchController {
  constructor(private readonly search: DocumentSearchService) {}

  @Get('search')
  @ApiOkResponse({
    type: DocumentSearchResponse,
    description:
      'Chunks of the documents the caller may see, best first, each citing its document, version, page and ' +
      'chunk with a link (what the assistant retrieves for a question)',
  })
  find(@CurrentTenant() t: Tenant, @Query() query: DocumentSearchQueryDto): Promise<DocumentSearchResponse> {
    return this.search.search(t, query.q, query.limit);
  }
}
