import { Injectable } from '@nestjs/common';
import { can, Permission, rolesWith } from '@ppt/auth';
import { type OrganizationScope, TenantTransactions } from '@ppt/db';
import { type Listing, type ListingInquiry, type ListingStatusChange } from '@ppt/api-db';
import type { ListingSnapshot } from '@ppt/events';
import type { Page, PageQueryDto } from '@ppt/http';
import {
  type RequestMeta,
  systemActor,
  type Tenant,
  type TenantTransaction,
  TenantUnitOfWork,
} from '@ppt/api-shared';
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
    private readonly transactions: TenantTransactions,
    private readonly tenant: TenantUnitOfWork,
    private readonly listings: ListingsRepository,
    private readonly units: UnitsService,
    private readonly buildings: BuildingsService,
    private readonly syndication: SyndicationService,
    private readonly documents: DocumentsService,
    private readonly leads: LeadRouting,
  ) {}

  /** A listing inside the caller's transaction (RLS: the caller's organisation only), for other contexts. */
  findById(scope: OrganizationScope, id: string): Promise<Listing | null> {
    return this.listings.findById(scope, id);
  }

  list(t: Tenant, query: ListListingsQueryDto): Promise<Page<ListingResponse>> {
    return this.tenant.run(t, async (tx) => {
      const [items, total] = await this.listings.list(tx, query);
      return { items: items.map(toResponse), total, limit: query.limit, offset: query.offset };
    });
  }

  get(t: Tenant, id: string): Promise<ListingResponse> {
    return this.tenant.run(t, async (tx) => toResponse(await this.mustFind(tx, id)));
  }

  create(t: Tenant, dto: CreateListingDto, meta: RequestMeta): Promise<ListingResponse> {
    return this.tenant.run(
      t,
      async (tx) => {
        const fromUnit = dto.unitId ? await this.unitDefaults(tx, dto.unitId) : {};
        const fields = { ...fromUnit, ...dto, contactUserId: dto.contactUserId ?? t.userId };
        const missing = REQUIRED_ADDRESS.filter((f) => !fields[f]);
        if (missing.length > 0) {
          throw new ListingError(
            ListingErrorCode.IncompleteForPublishing,
            'The address is incomplete: give it, or make the listing from a unit',
            missing.map((field) => ({ field, message: `${field} is required` })),
          );
        }
        await this.checkContact(tx, t, fields.contactUserId);
        await this.checkPhotos(tx, t, dto.photoDocumentIds);
        const listing = await this.listings.create(tx, { ...fields, status: 'draft' });
        await this.listings.recordStatusChange(tx, {
          listingId: listing.id,
          fromStatus: null,
          toStatus: 'draft',
          changedByUserId: t.userId,
        });
        await tx.auditChange({ type: 'listing', id: listing.id, verb: 'created' }, null, snapshot(listing));
        return toResponse(listing);
      },
      meta,
    );
  }

  update(t: Tenant, id: string, dto: UpdateListingDto, meta: RequestMeta): Promise<ListingResponse> {
    return this.tenant.run(
      t,
      async (tx) => {
        const before = await this.lockManaged(tx, t, id);
        if (isClosed(before.status)) {
          throw new ListingError(ListingErrorCode.Closed, `A ${before.status} listing cannot be changed`);
        }
        if (dto.contactUserId) await this.checkContact(tx, t, dto.contactUserId);
        await this.checkPhotos(tx, t, dto.photoDocumentIds);
        await this.listings.update(tx, id, dto);
        const after = await this.mustFind(tx, id);
        // A listing on the market stays acceptable to every portal it is on (nothing saved otherwise).
        if (isOnMarket(after.status)) await this.syndication.assertPortalsAccept(tx.manager, after);
        await tx.auditChange({ type: 'listing', id, verb: 'updated' }, snapshot(before), snapshot(after));
        if (isOnMarket(after.status)) {
          await tx.emit({
            type: 'listing.updated',
            aggregateId: id,
            aggregateVersion: after.version,
            payload: toSnapshot(after),
          });
        }
        return toResponse(after);
      },
      meta,
    );
  }

  /** Moves the listing along draft → published → reserved → sold | rented, or withdrawn. */
  changeStatus(
    t: Tenant,
    id: string,
    dto: ChangeListingStatusDto,
    meta: RequestMeta,
  ): Promise<ListingResponse> {
    return this.tenant.run(
      t,
      async (tx) => {
        const before = await this.lockManaged(tx, t, id);
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
        await this.listings.update(tx, id, {
          status: dto.status,
          ...(publishing ? { publishedAt: new Date() } : {}),
        });
        await this.listings.recordStatusChange(tx, {
          listingId: id,
          fromStatus: before.status,
          toStatus: dto.status,
          changedByUserId: t.userId,
          note: dto.note ?? null,
        });
        const after = await this.mustFind(tx, id);
        // Refused before any portal job exists, with each portal's list of what to fix.
        if (publishing) await this.syndication.assertPortalsAccept(tx.manager, after);
        await tx.auditChange(
          { type: 'listing', id, verb: 'status_changed' },
          snapshot(before),
          snapshot(after),
        );
        const event = { aggregateId: id, aggregateVersion: after.version };
        if (publishing) {
          await tx.emit({ ...event, type: 'listing.published', payload: toSnapshot(after) });
        } else if (isOnMarket(before.status) || isOnMarket(after.status)) {
          await tx.emit({
            ...event,
            type: 'listing.status_changed',
            payload: { ...toSnapshot(after), previousStatus: before.status },
          });
        }
        return toResponse(after);
      },
      meta,
    );
  }

  history(t: Tenant, id: string): Promise<{ items: ListingStatusChangeResponse[] }> {
    return this.tenant.run(t, async (tx) => {
      await this.mustFind(tx, id);
      const rows = await this.listings.statusHistory(tx, id);
      return { items: rows.map(toStatusChange) };
    });
  }

  /** Managers see every listing's inquiries; a realtor those of the listings they are the contact of. */
  listInquiries(t: Tenant, id: string, page: PageQueryDto): Promise<Page<InquiryResponse>> {
    return this.tenant.run(t, async (tx) => {
      const listing = await this.mustFind(tx, id);
      if (!mayManage(t.role, t.userId, listing.contactUserId)) throw notYours();
      const [items, total] = await this.listings.listInquiries(tx, id, page);
      return { items: items.map(toInquiry), total, limit: page.limit, offset: page.offset };
    });
  }

  /**
   * An inquiry from the Reality Portal (its worker retries until this succeeds). The listing names the
   * organisation (the system acts in it); a repeated delivery of the same portal inquiry id stores
   * nothing new.
   */
  async deliverInquiry(dto: DeliverInquiryDto): Promise<DeliveredInquiryResponse> {
    const organizationId = await this.transactions.runPlatform('inquiry-delivery', (m) =>
      this.listings.organizationOf(m, dto.listingId),
    );
    if (!organizationId) throw new ListingError(ListingErrorCode.NotFound, 'Listing not found');
    return this.tenant.run(systemActor(organizationId), async (tx) => {
      const { inquiry, created } = await this.listings.storeInquiry(tx, {
        listingId: dto.listingId,
        portalInquiryId: dto.portalInquiryId,
        visitorUserId: dto.visitorUserId ?? null,
        name: dto.name,
        email: dto.email,
        phone: dto.phone ?? null,
        message: dto.message,
      });
      if (created) await this.leads.routeNew(tx.manager, tx.organizationId, inquiry.id);
      return { id: inquiry.id, created };
    });
  }

  private async unitDefaults(scope: OrganizationScope, unitId: string): Promise<Partial<Listing>> {
    const unit = await this.units.findById(scope, unitId);
    if (!unit) throw new ListingError(ListingErrorCode.UnitNotFound, 'Unit not found');
    const building = await this.buildings.findById(scope, unit.buildingId);
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
  private async checkContact(tx: TenantTransaction, t: Tenant, contactUserId: string): Promise<void> {
    if (!can(t, Permission.ListingManage, { ownerUserId: contactUserId })) throw notYours();
    if (!(await this.listings.isMemberWithRole(tx, contactUserId, rolesWith(Permission.ListingManage)))) {
      throw new ListingError(
        ListingErrorCode.ContactNotAllowed,
        'The contact must be a realtor, manager or administrator of this organisation',
      );
    }
  }

  /** Photos are documents of the organisation, of category photo (the portal shows them publicly). */
  private async checkPhotos(tx: TenantTransaction, t: Tenant, ids: string[] | undefined): Promise<void> {
    const wrong = ids?.length ? await this.documents.notPhotos(tx.manager, t, ids) : [];
    if (wrong.length > 0) {
      throw new ListingError(
        ListingErrorCode.NotPhotos,
        'photoDocumentIds must name photo documents of this organisation',
        wrong.map((id) => ({ field: 'photoDocumentIds', message: `${id} is not a photo document` })),
      );
    }
  }

  private async lockManaged(tx: TenantTransaction, t: Tenant, id: string): Promise<Listing> {
    const listing = await this.listings.findForUpdate(tx, id);
    if (!listing) throw notFound();
    if (!mayManage(t.role, t.userId, listing.contactUserId)) throw notYours();
    return listing;
  }

  private async mustFind(tx: TenantTransaction, id: string): Promise<Listing> {
    const listing = await this.listings.findById(tx, id);
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
