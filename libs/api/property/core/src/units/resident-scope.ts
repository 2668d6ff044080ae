import { Injectable } from '@nestjs/common';
import { grantOf, Permission } from '@ppt/auth';
import type { EntityManager } from 'typeorm';
import type { Tenant } from '@ppt/api-shared';
import { UnitsRepository } from './units.repository';

/**
 * Which units a caller may see: staff every unit (null = no restriction); owners and tenants the units
 * they currently own or live in (through a person linked to their account); anyone else none.
 */
@Injectable()
export class ResidentScope {
  constructor(private readonly units: UnitsRepository) {}

  async unitIds(m: EntityManager, t: Tenant): Promise<string[] | null> {
    const grant = grantOf(t, Permission.UnitRead);
    if (grant === 'all') return null;
    if (grant !== 'own') return [];
    return this.units.unitIdsOfUser(m, t.organizationId, t.userId);
  }

  async canSee(m: EntityManager, t: Tenant, unitId: string): Promise<boolean> {
    const ids = await this.unitIds(m, t);
    return ids === null || ids.includes(unitId);
  }
}
