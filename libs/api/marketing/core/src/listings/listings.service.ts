import { Injectable } from '@nestjs/common';
import { can, Permission, rolesWith } from '@ppt/auth';
import { type Listing, type ListingInquiry, type ListingStatusChange } from '@ppt/api-db';
import { TenantTransactions } from '@ppt/db';
import { OutboxWriter, type ListingSnapshot } from '@ppt/events';
import type { EntityManager } from 'typeorm';
import type { Page, PageQueryDto } from '@ppt/http';
import type { RequestMeta } from '@ppt/api-shared';
import { scopeOf, type Tenant } from '@ppt/api-shared';
import { AuditService } from '@ppt/api-shared';
import { BuildingsService } from '@ppt/api-property-core';
import { DocumentsService } from '@ppt/api-documents-core';
import { UnitsService } from '@ppt/api-property-core';
import type {
  ChangeListingStatusDto,
  CreateListingDto,
  DeliveredInquiryResponse,
  DeliverInquiryDto,
  InquiryResponse,
  ListingResponse,
  ListingStatusChangeResponse,
  ListListingsQueryDto,
  UpdateListingDto,
} from './dto/listing.dto';
import { canTransition, fitsTransaction, isClosed, isOnMarket, mayManage } from './listing-rules';
import { ListingError, ListingErrorCode } from './listings.errors';
import { SyndicationService } from '../syndication/syndication.service';
import { LeadRouting } from '../leads/lead-routing';
import { ListingsRepository } from './listings.repository';

const REQUIRED_ADDRESS = ['addressLine', 'city', 'postalCode', 'country'] as const;

/**
 * Listings on the PM side. Every change is audited; while a listing is on the market (published or
 * reserved) every change, and every status change, writes a listing event with the whole listing to
 * the outbox in the same transaction — the portals' read models follow those events.
 */
@Injectable()
export class ListingsService {
  constructor(
    private readonly tenant: TenantTransactions,
    private readonly listings: ListingsRepository,
    private readonly units: UnitsService,
    private readonly buildings: BuildingsService,
    private readonly audit: AuditService,
    private readonly outbox: OutboxWriter,
    private readonly syndication: SyndicationService,
    private readonly documents: DocumentsService,
    private readonly leads: LeadRouting,
  ) {}

  /** A listing inside the caller's transaction (RLS: the caller's organisation only), for other contexts. */
  findById(m: EntityManager, organizationId: string, id: string): Promise<Listing | null> {
    return this.listings.findById(m, organizationId, id);
  }

  list(t: Tenant, query: ListListingsQueryDto): Promise<Page<ListingResponse>> {
    return this.tenant.run(scopeOf(t), async (m) => {
      const [items, total] = await this.listings.list(m, t.organizationId, query);
      return { items: items.map(toResponse), total, limit: query.limit, offset: query.offset };
    });
  }

  get(t: Tenant, id: string): Promise<ListingResponse> {
    return this.tenant.run(scopeOf(t), async (m) => toResponse(await this.mustFind(m, t, id)));
  }

  create(t: Tenant, dto: CreateListingDto, meta: RequestMeta): Promise<ListingResponse> {
    return this.tenant.run(scopeOf(t), async (m) => {
      const fromUnit = dto.unitId ? await this.unitDefaults(m, t, dto.unitId) : {};
      const fields = { ...fromUnit, ...dto, contactUserId: dto.contactUserId ?? t.userId };
      const missing = REQUIRED_ADDRESS.filter((f) => !fields[f]);
      if (missing.length > 0) {
        throw new ListingError(
          ListingErrorCode.IncompleteForPublishing,
          'The address is incomplete: give it, or make the listing from a unit',
          missing.map((field) => ({ field, message: `${field} is required` })),
        );
      }
      await this.checkContact(m, t, fields.contactUserId);
      await this.checkPhotos(m, t, dto.photoDocumentIds);
      const listing = await this.listings.create(m, t.organizationId, { ...fields, status: 'draft' });
      await this.listings.recordStatusChange(m, t.organizationId, {
        listingId: listing.id,
        fromStatus: null,
        toStatus: 'draft',
        changedByUserId: t.userId,
      });
      await this.audit.recordChange(
        m,
        t,
        meta,
        { type: 'listing', id: listing.id, verb: 'created' },
        null,
        snapshot(listing),
      );
      return toResponse(listing);
    });
  }

  update(t: Tenant, id: string, dto: UpdateListingDto, meta: RequestMeta): Promise<ListingResponse> {
    return this.tenant.run(scopeOf(t), async (m) => {
      const before = await this.lockManaged(m, t, id);
      if (isClosed(before.status)) {
        throw new ListingError(ListingErrorCode.Closed, `A ${before.status} listing cannot be changed`);
      }
      if (dto.contactUserId) await this.checkContact(m, t, dto.contactUserId);
      await this.checkPhotos(m, t, dto.photoDocumentIds);
      await this.listings.update(m, t.organizationId, id, dto);
      const after = await this.mustFind(m, t, id);
      // A listing on the market stays acceptable to every portal it is on (nothing saved otherwise).
      if (isOnMarket(after.status)) await this.syndication.assertPortalsAccept(m, after);
      await this.audit.recordChange(
        m,
        t,
        meta,
        { type: 'listing', id, verb: 'updated' },
        snapshot(before),
        snapshot(after),
      );
      if (isOnMarket(after.status)) {
        await this.outbox.write(m, {
          type: 'listing.updated',
          organizationId: t.organizationId,
          aggregateId: id,
          aggregateVersion: after.version,
          payload: toSnapshot(after),
        });
      }
      return toResponse(after);
    });
  }

  /** Moves the listing along draft → published → reserved → sold | rented, or withdrawn. */
  changeStatus(
    t: Tenant,
    id: string,
    dto: ChangeListingStatusDto,
    meta: RequestMeta,
  ): Promise<ListingResponse> {
    return this.tenant.run(scopeOf(t), async (m) => {
      const before = await this.lockManaged(m, t, id);
      if (!canTransition(before.status, dto.status)) {
        throw new ListingError(
          ListingErrorCode.InvalidTransition,
          `A ${before.status} listing cannot become ${dto.status}`,
        );
      }
      if (!fitsTransaction(dto.status, before.transaction)) {
        throw new ListingError(
          ListingErrorCode.WrongTransaction,
          `A listing for ${before.transaction} cannot become ${dto.status}`,
        );
      }
      const publishing = dto.status === 'published' && !isOnMarket(before.status);
      await this.listings.update(m, t.organizationId, id, {
        status: dto.status,
        ...(publishing ? { publishedAt: new Date() } : {}),
      });
      await this.listings.recordStatusChange(m, t.organizationId, {
        listingId: id,
        fromStatus: before.status,
        toStatus: dto.status,
        changedByUserId: t.userId,
        note: dto.note ?? null,
      });
      const after = await this.mustFind(m, t, id);
      // Refused before any portal job exists, with each portal's list of what to fix.
      if (publishing) await this.syndication.assertPortalsAccept(m, after);
      await this.audit.recordChange(
        m,
        t,
        meta,
        { type: 'listing', id, verb: 'status_changed' },
        snapshot(before),
        snapshot(after),
      );
      const event = { organizationId: t.organizationId, aggregateId: id, aggregateVersion: after.version };
      if (publishing) {
        await this.outbox.write(m, { ...event, type: 'listing.published', payload: toSnapshot(after) });
      } else if (isOnMarket(before.status) || isOnMarket(after.status)) {
        await this.outbox.write(m, {
          ...event,
          type: 'listing.status_changed',
          payload: { ...toSnapshot(after), previousStatus: before.status },
        });
      }
      return toResponse(after);
    });
  }

  history(t: Tenant, id: string): Promise<{ items: ListingStatusChangeResponse[] }> {
    return this.tenant.run(scopeOf(t), async (m) => {
      await this.mustFind(m, t, id);
      const rows = await this.listings.statusHistory(m, t.organizationId, id);
      return { items: rows.map(toStatusChange) };
    });
  }

  /** Managers see every listing's inquiries; a realtor those of the listings they are the contact of. */
  listInquiries(t: Tenant, id: string, page: PageQueryDto): Promise<Page<InquiryResponse>> {
    return this.tenant.run(scopeOf(t), async (m) => {
      const listing = await this.mustFind(m, t, id);
      if (!mayManage(t.role, t.userId, listing.contactUserId)) throw notYours();
      const [items, total] = await this.listings.listInquiries(m, t.organizationId, id, page);
      return { items: items.map(toInquiry), total, limit: page.limit, offset: page.offset };
    });
  }

  /**
   * An inquiry from the Reality Portal (its worker retries until this succeeds). The listing names the
   * organisation; a repeated delivery of the same portal inquiry id stores nothing new.
   */
  async deliverInquiry(dto: DeliverInquiryDto): Promise<DeliveredInquiryResponse> {
    const organizationId = await this.tenant.runPlatform('inquiry-delivery', (m) =>
      this.listings.organizationOf(m, dto.listingId),
    );
    if (!organizationId) throw new ListingError(ListingErrorCode.NotFound, 'Listing not found');
    return this.tenant.run({ organizationId }, async (m) => {
      const { inquiry, created } = await this.listings.storeInquiry(m, organizationId, {
        listingId: dto.listingId,
        portalInquiryId: dto.portalInquiryId,
        visitorUserId: dto.visitorUserId ?? null,
        name: dto.name,
        email: dto.email,
        phone: dto.phone ?? null,
        message: dto.message,
      });
      if (created) await this.leads.routeNew(m, organizationId, inquiry.id);
      return { id: inquiry.id, created };
    });
  }

  private async unitDefaults(m: EntityManager, t: Tenant, unitId: string): Promise<Partial<Listing>> {
    const unit = await this.units.findById(m, t.organizationId, unitId);
    if (!unit) throw new ListingError(ListingErrorCode.UnitNotFound, 'Unit not found');
    const building = await this.buildings.findById(m, t.organizationId, unit.buildingId);
    return {
      areaM2: unit.areaM2,
      rooms: unit.rooms,
      floor: unit.floor,
      ...(building
        ? {
            addressLine: building.addressLine,
            city: building.city,
            postalCode: building.postalCode,
            country: building.country,
            latitude: building.latitude,
            longitude: building.longitude,
          }
        : {}),
    };
  }

  /** The contact must be a realtor or manager of the organisation; a realtor's listings are their own. */
  private async checkContact(m: EntityManager, t: Tenant, contactUserId: string): Promise<void> {
    if (!can(t, Permission.ListingManage, { ownerUserId: contactUserId })) throw notYours();
    if (
      !(await this.listings.isMemberWithRole(
        m,
        t.organizationId,
        contactUserId,
        rolesWith(Permission.ListingManage),
      ))
    ) {
      throw new ListingError(
        ListingErrorCode.ContactNotAllowed,
        'The contact must be a realtor, manager or administrator of this organisation',
      );
    }
  }

  /** Photos are documents of the organisation, of category photo (the portal shows them publicly). */
  private async checkPhotos(m: EntityManager, t: Tenant, ids: string[] | undefined): Promise<void> {
    const wrong = ids?.length ? await this.documents.notPhotos(m, t, ids) : [];
    if (wrong.length > 0) {
      throw new ListingError(
        ListingErrorCode.NotPhotos,
        'photoDocumentIds must name photo documents of this organisation',
        wrong.map((id) => ({ field: 'photoDocumentIds', message: `${id} is not a photo document` })),
      );
    }
  }

  private async lockManaged(m: EntityManager, t: Tenant, id: string): Promise<Listing> {
    const listing = await this.listings.findForUpdate(m, t.organizationId, id);
    if (!listing) throw notFound();
    if (!mayManage(t.role, t.userId, listing.contactUserId)) throw notYours();
    return listing;
  }

  private async mustFind(m: EntityManager, t: Tenant, id: string): Promise<Listing> {
    const listing = await this.listings.findById(m, t.organizationId, id);
    if (!listing) throw notFound();
    return listing;
  }
}

function notFound(): ListingError {
  return new ListingError(ListingErrorCode.NotFound, 'Listing not found');
}

function notYours(): ListingError {
  return new ListingError(
    ListingErrorCode.NotYours,
    'Realtors manage only the listings they are the contact of',
  );
}

function snapshot(l: Listing): Record<string, unknown> {
  const { organization: _o, unit: _u, contact: _c, ...fields } = l;
  return fields;
}

export function toSnapshot(l: Listing): ListingSnapshot {
  return {
    listingId: l.id,
    status: l.status,
    transaction: l.transaction,
    propertyType: l.propertyType,
    title: l.title,
    description: l.description,
    priceAmount: l.priceAmount,
    currency: l.currency,
    areaM2: l.areaM2,
    rooms: l.rooms,
    floor: l.floor,
    energyClass: l.energyClass,
    features: l.features,
    addressLine: l.addressLine,
    city: l.city,
    region: l.region,
    postalCode: l.postalCode,
    country: l.country,
    latitude: l.latitude,
    longitude: l.longitude,
    photoDocumentIds: l.photoDocumentIds,
    contactUserId: l.contactUserId,
    publishedAt: l.publishedAt ? l.publishedAt.toISOString() : null,
  };
}

function toResponse(l: Listing): ListingResponse {
  const { organization: _o, unit: _u, contact: _c, organizationId: _org, ...fields } = l;
  return fields;
}

function toStatusChange(c: ListingStatusChange): ListingStatusChangeResponse {
  return {
    fromStatus: c.fromStatus,
    toStatus: c.toStatus,
    changedByUserId: c.changedByUserId,
    note: c.note,
    createdAt: c.createdAt,
  };
}

function toInquiry(i: ListingInquiry): InquiryResponse {
  return {
    id: i.id,
    listingId: i.listingId,
    visitorUserId: i.visitorUserId,
    name: i.name,
    email: i.email,
    phone: i.phone,
    message: i.message,
    createdAt: i.createdAt,
  };
}
