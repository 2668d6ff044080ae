import { Injectable } from '@nestjs/common';
import { can, Permission, type Actor } from '@ppt/auth';
import { MembershipsService } from '@ppt/api-identity-core';
import { ListingsService } from '@ppt/api-marketing-core';
import { BuildingsService, LeasesService, PeopleService, UnitsService } from '@ppt/api-property-core';
import type { OrganizationScope } from '@ppt/db';
import type { Listing } from '@ppt/api-db';

/** A listing's fields a description is written from (nothing about people or the address line). */
const LISTING_FACTS = [
  'title',
  'transaction',
  'propertyType',
  'priceAmount',
  'currency',
  'areaM2',
  'rooms',
  'floor',
  'energyClass',
  'features',
  'city',
  'region',
  'country',
] as const satisfies readonly (keyof Listing)[];

function pick<T, K extends keyof T>(value: T, keys: readonly K[]): Pick<T, K> {
  return Object.fromEntries(keys.map((k) => [k, value[k]])) as Pick<T, K>;
}

/**
 * What prompts and drafts are written from, read through the owning contexts' public services inside
 * the caller's transaction (RLS: the caller's organisation only). The assistant's own repositories
 * touch only its own tables.
 */
@Injectable()
export class AssistantFacts {
  constructor(
    private readonly memberships: MembershipsService,
    private readonly buildings: BuildingsService,
    private readonly units: UnitsService,
    private readonly people: PeopleService,
    private readonly leases: LeasesService,
    private readonly listings: ListingsService,
  ) {}

  /** Names for the system prompt; `building` is null when there is no such building. */
  async contextNames(
    scope: OrganizationScope,
    buildingId: string | null,
  ): Promise<{ organization: string; building: string | null }> {
    const organization = await this.memberships.findOrganization(scope.manager, scope.organizationId);
    const building = buildingId ? await this.buildings.findById(scope, buildingId) : null;
    return { organization: organization?.name ?? '', building: building?.name ?? null };
  }

  /** The fields a listing description needs. */
  async listing(scope: OrganizationScope, id: string, actor: Actor): Promise<Record<string, unknown> | null> {
    const listing = await this.listings.findById(scope, id);
    // A listing the caller may not manage (a realtor and another realtor's listing) looks like none.
    if (!listing || !can(actor, Permission.ListingManage, { ownerUserId: listing.contactUserId }))
      return null;
    const { priceAmount, ...rest } = pick(listing, LISTING_FACTS);
    return { ...rest, priceMinorUnits: priceAmount };
  }

  /** The fields a lease draft needs: the lease, its unit and building, the tenant and the landlord. */
  async lease(scope: OrganizationScope, id: string): Promise<Record<string, unknown> | null> {
    const lease = await this.leases.findById(scope, id);
    if (!lease) return null;
    const unit = await this.units.findById(scope, lease.unitId);
    const [building, tenant, organization] = await Promise.all([
      unit ? this.buildings.findById(scope, unit.buildingId) : null,
      this.people.findById(scope, lease.primaryTenantId),
      this.memberships.findOrganization(scope.manager, scope.organizationId),
    ]);
    if (!unit || !building || !tenant || !organization) return null;
    return {
      leaseNumber: lease.leaseNumber,
      startDate: lease.startDate,
      endDate: lease.endDate,
      rentMinorUnits: lease.rentAmount,
      depositMinorUnits: lease.depositAmount,
      currency: lease.currency,
      paymentDay: lease.paymentDay,
      unit: { number: unit.number, floor: unit.floor, rooms: unit.rooms, areaM2: unit.areaM2 },
      building: { address: building.addressLine, city: building.city, postalCode: building.postalCode },
      tenant: { firstName: tenant.firstName, lastName: tenant.lastName },
      landlord: organization.name,
    };
  }
}
