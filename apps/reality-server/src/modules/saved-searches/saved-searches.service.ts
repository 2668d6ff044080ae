import { Injectable } from '@nestjs/common';
import type { SavedSearch } from '@ppt/portal-db';
import type { Page, PageQueryDto } from '@ppt/http';
import { AppError, registerErrorCodes } from '@ppt/observability';
import { RealtimePublisher } from '@ppt/realtime';
import type { PortalListingResponse } from '../listings/dto/search.dto';
import { assertCompleteRadius, PortalListingsService } from '../listings/portal-listings.service';
import type { CreateSavedSearchDto, SavedSearchResponse } from './dto/saved-search.dto';
import { SavedSearchesRepository } from './saved-searches.repository';

/** Codes thrown below without a feature table (listed for the OpenAPI document). */
registerErrorCodes({ SAVED_SEARCH_LIMIT: 409, SAVED_SEARCH_NOT_FOUND: 404 });

export const MAX_SAVED_SEARCHES = 50;

/** A visitor's named searches; running one is GET /listings with its filters. */
@Injectable()
export class SavedSearchesService {
  constructor(
    private readonly searches: SavedSearchesRepository,
    private readonly listings: PortalListingsService,
    private readonly realtime: RealtimePublisher,
  ) {}

  async list(userId: string, page: PageQueryDto): Promise<Page<SavedSearchResponse>> {
    const [items, total] = await this.searches.list(userId, page.limit, page.offset);
    return { items: items.map(toResponse), total, limit: page.limit, offset: page.offset };
  }

  async create(userId: string, dto: CreateSavedSearchDto): Promise<SavedSearchResponse> {
    assertCompleteRadius(dto.filters);
    if ((await this.searches.count(userId)) >= MAX_SAVED_SEARCHES) {
      throw new AppError(
        'SAVED_SEARCH_LIMIT',
        409,
        `At most ${MAX_SAVED_SEARCHES} saved searches; delete one first`,
      );
    }
    // Only the fields the visitor set (validation already dropped anything unknown).
    const filters = Object.fromEntries(Object.entries(dto.filters).filter(([, v]) => v !== undefined));
    const created = toResponse(await this.searches.create(userId, dto.name, filters, dto.alert ?? 'off'));
    // The visitor's other tabs and devices (user room on /ws).
    await this.realtime.toUser(userId, 'saved_search.created', {
      savedSearchId: created.id,
      name: created.name,
    });
    return created;
  }

  async run(userId: string, id: string, page: PageQueryDto): Promise<Page<PortalListingResponse>> {
    const search = await this.mustFind(userId, id);
    return this.listings.search({ ...search.filters, limit: page.limit, offset: page.offset });
  }

  async delete(userId: string, id: string): Promise<void> {
    if (!(await this.searches.delete(userId, id))) throw notFound();
    await this.realtime.toUser(userId, 'saved_search.deleted', { savedSearchId: id });
  }

  private async mustFind(userId: string, id: string): Promise<SavedSearch> {
    const search = await this.searches.find(userId, id);
    if (!search) throw notFound();
    return search;
  }
}

function notFound(): AppError {
  return new AppError('SAVED_SEARCH_NOT_FOUND', 404, 'Saved search not found');
}

function toResponse(s: SavedSearch): SavedSearchResponse {
  return { id: s.id, name: s.name, filters: s.filters, alert: s.alert, createdAt: s.createdAt };
}
