import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { Tenant } from '@ppt/api-shared';
import { UnitsRepository } from './units.repository';

const STAFF = ['org_admin', 'manager', 'technical_manager'];

/**
 * Which units a caller may see: staff every unit (null = no restriction); owners and tenants the units
 * they currently own or live in (through a person linked to their account); anyone else none.
 */
@Injectable()
export class ResidentScope {
  constructor(private readonly units: UnitsRepository) {}

  async unitIds(m: EntityManager, t: Tenant): Promise<string[] | null> {
    if (STAFF.includes(t.role)) return null;
    if (t.role !== 'owner' && t.role !== 'tenant') return [];
    return this.units.unitIdsOfUser(m, t.organizationId, t.userId);
  }

  async canSee(m: EntityManager, t: Tenant, unitId: string): Promise<boolean> {
    const ids = await this.unitIds(m, t);
    return ids === null || ids.includes(unitId);
  }
}
