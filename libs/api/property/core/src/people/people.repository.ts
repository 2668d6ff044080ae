import { Injectable } from '@nestjs/common';
import { type OrganizationScope, TenantRepository } from '@ppt/db';
import { Lease, LeaseCoTenant, Membership, Person, PersonInvitation } from '@ppt/api-db';
import { In, IsNull, type EntityManager } from 'typeorm';
import { likePattern, parseSort } from '@ppt/api-shared';

const SORT_COLUMNS: Record<string, string> = { lastName: 'p.last_name', createdAt: 'p.created_at' };

/**
 * People of one organisation and their invitations: findById, findForUpdate, create and update come from
 * TenantRepository; every method but findInvitationByTokenHash takes the scope (RLS backs it up).
 */
@Injectable()
export class PeopleRepository extends TenantRepository<Person> {
  constructor() {
    super(Person);
  }

  list(
    scope: OrganizationScope,
    f: { q?: string; sort: string; limit: number; offset: number },
  ): Promise<[Person[], number]> {
    const qb = scope.manager
      .createQueryBuilder(Person, 'p')
      .where('p.organization_id = :organizationId', { organizationId: scope.organizationId });
    if (f.q) {
      qb.andWhere("(p.first_name || ' ' || p.last_name ILIKE :q OR p.email ILIKE :q OR p.phone ILIKE :q)", {
        q: likePattern(f.q),
      });
    }
    const { field, direction } = parseSort(f.sort);
    return qb
      .orderBy(SORT_COLUMNS[field], direction)
      .addOrderBy('p.first_name', 'ASC')
      .addOrderBy('p.id', 'ASC')
      .limit(f.limit)
      .offset(f.offset)
      .getManyAndCount();
  }

  async delete(scope: OrganizationScope, id: string): Promise<void> {
    await scope.manager.delete(Person, this.keyOf(scope, id));
  }

  /** Primary tenant or co-tenant of any lease (leases keep their parties). */
  async hasLeases(scope: OrganizationScope, personId: string): Promise<boolean> {
    return (
      (await scope.manager.existsBy(Lease, {
        organizationId: scope.organizationId,
        primaryTenantId: personId,
      })) || (await scope.manager.existsBy(LeaseCoTenant, { organizationId: scope.organizationId, personId }))
    );
  }

  async existingIds(scope: OrganizationScope, ids: string[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const rows = await scope.manager.find(Person, {
      select: { id: true },
      where: { organizationId: scope.organizationId, id: In(ids) },
    });
    return new Set(rows.map((p) => p.id));
  }

  isMember(scope: OrganizationScope, userId: string): Promise<boolean> {
    return scope.manager.existsBy(Membership, { organizationId: scope.organizationId, userId });
  }

  findLinkedToUser(scope: OrganizationScope, userId: string): Promise<Person | null> {
    return scope.manager.findOneBy(Person, { organizationId: scope.organizationId, userId });
  }

  /** A newer invitation replaces the pending ones, so only the latest link works. */
  async revokePendingInvitations(scope: OrganizationScope, personId: string): Promise<void> {
    await scope.manager.update(
      PersonInvitation,
      { organizationId: scope.organizationId, personId, acceptedAt: IsNull(), revokedAt: IsNull() },
      { revokedAt: () => 'now()' },
    );
  }

  createInvitation(scope: OrganizationScope, data: Partial<PersonInvitation>): Promise<PersonInvitation> {
    return scope.manager.save(
      scope.manager.create(PersonInvitation, { ...data, organizationId: scope.organizationId }),
    );
  }

  /** Runs in the platform scope 'person-invitation-accept': the token alone names the organisation. */
  findInvitationByTokenHash(m: EntityManager, tokenHash: string): Promise<PersonInvitation | null> {
    return m.findOneBy(PersonInvitation, { tokenHash });
  }

  lockInvitation(scope: OrganizationScope, id: string): Promise<PersonInvitation | null> {
    return scope.manager.findOne(PersonInvitation, {
      where: { organizationId: scope.organizationId, id },
      lock: { mode: 'pessimistic_write' },
    });
  }

  async markInvitationAccepted(scope: OrganizationScope, id: string, userId: string): Promise<void> {
    await scope.manager.update(
      PersonInvitation,
      { organizationId: scope.organizationId, id },
      { acceptedAt: () => 'now()', acceptedByUserId: userId },
    );
  }
}
