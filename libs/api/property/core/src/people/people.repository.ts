import { Injectable } from '@nestjs/common';
import { Lease, LeaseCoTenant, Membership, Person, PersonInvitation } from '@ppt/api-db';
import { In, IsNull, type EntityManager } from 'typeorm';
import { likePattern, parseSort } from '@ppt/api-shared';

const SORT_COLUMNS: Record<string, string> = { lastName: 'p.last_name', createdAt: 'p.created_at' };

/** People of one organisation (every method takes it; RLS backs it up). */
@Injectable()
export class PeopleRepository {
  list(
    m: EntityManager,
    organizationId: string,
    f: { q?: string; sort: string; limit: number; offset: number },
  ): Promise<[Person[], number]> {
    const qb = m
      .createQueryBuilder(Person, 'p')
      .where('p.organization_id = :organizationId', { organizationId });
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

  findById(m: EntityManager, organizationId: string, id: string): Promise<Person | null> {
    return m.findOneBy(Person, { organizationId, id });
  }

  findForUpdate(m: EntityManager, organizationId: string, id: string): Promise<Person | null> {
    return m.findOne(Person, { where: { organizationId, id }, lock: { mode: 'pessimistic_write' } });
  }

  create(m: EntityManager, organizationId: string, data: Partial<Person>): Promise<Person> {
    return m.save(m.create(Person, { ...data, organizationId }));
  }

  async update(
    m: EntityManager,
    organizationId: string,
    id: string,
    changes: Partial<Person>,
  ): Promise<void> {
    await m.update(Person, { organizationId, id }, changes);
  }

  async delete(m: EntityManager, organizationId: string, id: string): Promise<void> {
    await m.delete(Person, { organizationId, id });
  }

  /** Primary tenant or co-tenant of any lease (leases keep their parties). */
  async hasLeases(m: EntityManager, organizationId: string, personId: string): Promise<boolean> {
    return (
      (await m.existsBy(Lease, { organizationId, primaryTenantId: personId })) ||
      (await m.existsBy(LeaseCoTenant, { organizationId, personId }))
    );
  }

  async existingIds(m: EntityManager, organizationId: string, ids: string[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const rows = await m.find(Person, { select: { id: true }, where: { organizationId, id: In(ids) } });
    return new Set(rows.map((p) => p.id));
  }

  isMember(m: EntityManager, organizationId: string, userId: string): Promise<boolean> {
    return m.existsBy(Membership, { organizationId, userId });
  }

  findLinkedToUser(m: EntityManager, organizationId: string, userId: string): Promise<Person | null> {
    return m.findOneBy(Person, { organizationId, userId });
  }

  /** A newer invitation replaces the pending ones, so only the latest link works. */
  async revokePendingInvitations(m: EntityManager, organizationId: string, personId: string): Promise<void> {
    await m.update(
      PersonInvitation,
      { organizationId, personId, acceptedAt: IsNull(), revokedAt: IsNull() },
      { revokedAt: () => 'now()' },
    );
  }

  createInvitation(
    m: EntityManager,
    organizationId: string,
    data: Partial<PersonInvitation>,
  ): Promise<PersonInvitation> {
    return m.save(m.create(PersonInvitation, { ...data, organizationId }));
  }

  /** Runs in the platform scope 'person-invitation-accept': the token alone names the organisation. */
  findInvitationByTokenHash(m: EntityManager, tokenHash: string): Promise<PersonInvitation | null> {
    return m.findOneBy(PersonInvitation, { tokenHash });
  }

  lockInvitation(m: EntityManager, organizationId: string, id: string): Promise<PersonInvitation | null> {
    return m.findOne(PersonInvitation, {
      where: { organizationId, id },
      lock: { mode: 'pessimistic_write' },
    });
  }

  async markInvitationAccepted(
    m: EntityManager,
    organizationId: string,
    id: string,
    userId: string,
  ): Promise<void> {
    await m.update(
      PersonInvitation,
      { organizationId, id },
      { acceptedAt: () => 'now()', acceptedByUserId: userId },
    );
  }
}
