import { Injectable } from '@nestjs/common';
import { AssistantDraft } from '@ppt/db';
import type { EntityManager } from 'typeorm';

/**
 * Drafts, and the facts drafts are written from. The facts are read-only lookups under RLS (the
 * caller's organisation only) of the fields a text needs; they move to the owning contexts' public
 * services when those export one.
 */
@Injectable()
export class AssistantDraftsRepository {
  create(
    m: EntityManager,
    values: Omit<AssistantDraft, 'id' | 'createdAt' | 'updatedAt'>,
  ): Promise<AssistantDraft> {
    return m.save(AssistantDraft, m.create(AssistantDraft, values));
  }

  find(m: EntityManager, organizationId: string, id: string): Promise<AssistantDraft | null> {
    return m.findOne(AssistantDraft, { where: { organizationId, id } });
  }

  list(
    m: EntityManager,
    organizationId: string,
    subjectId: string | undefined,
    limit: number,
  ): Promise<AssistantDraft[]> {
    return m.find(AssistantDraft, {
      where: subjectId ? { organizationId, subjectId } : { organizationId },
      order: { createdAt: 'DESC' },
      take: limit,
    });
  }

  async updateVariants(m: EntityManager, draft: AssistantDraft, variants: string[]): Promise<AssistantDraft> {
    draft.variants = variants;
    return m.save(AssistantDraft, draft);
  }

  async listingFacts(
    m: EntityManager,
    organizationId: string,
    id: string,
  ): Promise<Record<string, unknown> | null> {
    const [row] = (await m.query(
      `SELECT title, transaction, property_type AS "propertyType", price_amount AS "priceMinorUnits", currency,
              area_m2 AS "areaM2", rooms, floor, energy_class AS "energyClass", features, city, region, country
         FROM listings WHERE organization_id = $1 AND id = $2`,
      [organizationId, id],
    )) as Record<string, unknown>[];
    return row ?? null;
  }

  async leaseFacts(
    m: EntityManager,
    organizationId: string,
    id: string,
  ): Promise<Record<string, unknown> | null> {
    const [row] = (await m.query(
      `SELECT l.lease_number AS "leaseNumber", l.start_date AS "startDate", l.end_date AS "endDate",
              l.rent_amount AS "rentMinorUnits", l.deposit_amount AS "depositMinorUnits", l.currency,
              l.payment_day AS "paymentDay",
              json_build_object('number', u.number, 'floor', u.floor, 'rooms', u.rooms, 'areaM2', u.area_m2) AS unit,
              json_build_object('address', b.address_line, 'city', b.city, 'postalCode', b.postal_code) AS building,
              json_build_object('firstName', p.first_name, 'lastName', p.last_name) AS tenant,
              o.name AS landlord
         FROM leases l
         JOIN units u ON u.organization_id = l.organization_id AND u.id = l.unit_id
         JOIN buildings b ON b.organization_id = u.organization_id AND b.id = u.building_id
         JOIN people p ON p.organization_id = l.organization_id AND p.id = l.primary_tenant_id
         JOIN organizations o ON o.id = l.organization_id
        WHERE l.organization_id = $1 AND l.id = $2`,
      [organizationId, id],
    )) as Record<string, unknown>[];
    return row ?? null;
  }
}
