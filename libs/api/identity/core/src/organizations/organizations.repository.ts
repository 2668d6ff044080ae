import { Injectable } from '@nestjs/common';
import { Membership, Organization, User } from '@ppt/api-db';
import { type MembershipRole } from '@ppt/db';
import type { EntityManager } from 'typeorm';

export interface MemberRow {
  id: string;
  userId: string;
  email: string;
  displayName: string;
  role: MembershipRole;
  createdAt: Date;
}

/**
 * Organisations and memberships. Every method runs inside a TenantTransactions scope (the manager
 * passed in) and also filters by organisation itself: RLS is the backstop, not the only filter.
 */
@Injectable()
export class OrganizationsRepository {
  async create(
    manager: EntityManager,
    data: Pick<Organization, 'id' | 'name' | 'slug'>,
  ): Promise<Organization> {
    return manager.save(manager.create(Organization, data));
  }

  findById(manager: EntityManager, organizationId: string): Promise<Organization | null> {
    return manager.findOneBy(Organization, { id: organizationId });
  }

  async update(
    manager: EntityManager,
    organizationId: string,
    changes: Partial<Pick<Organization, 'name'>>,
  ): Promise<void> {
    await manager.update(Organization, { id: organizationId }, changes);
  }

  /** The user's organisations with their role in each (user scope). */
  listForUser(
    manager: EntityManager,
    userId: string,
  ): Promise<{ organization: Organization; role: MembershipRole }[]> {
    return manager
      .createQueryBuilder(Membership, 'm')
      .innerJoinAndSelect('m.organization', 'o')
      .where('m.user_id = :userId', { userId })
      .orderBy('o.name', 'ASC')
      .getMany()
      .then((rows) => rows.map((m) => ({ organization: m.organization as Organization, role: m.role })));
  }

  findMembership(manager: EntityManager, organizationId: string, userId: string): Promise<Membership | null> {
    return manager.findOneBy(Membership, { organizationId, userId });
  }

  findMember(
    manager: EntityManager,
    organizationId: string,
    membershipId: string,
  ): Promise<Membership | null> {
    return manager.findOneBy(Membership, { organizationId, id: membershipId });
  }

  async listMembers(
    manager: EntityManager,
    organizationId: string,
    page: { limit: number; offset: number },
  ): Promise<{ items: MemberRow[]; total: number }> {
    const [rows, total] = await manager
      .createQueryBuilder(Membership, 'm')
      .innerJoin(User, 'u', 'u.id = m.user_id')
      .select([
        'm.id AS id',
        'm.user_id AS "userId"',
        'u.email AS email',
        'u.display_name AS "displayName"',
        'm.role AS role',
        'm.created_at AS "createdAt"',
      ])
      .where('m.organization_id = :organizationId', { organizationId })
      .orderBy('u.display_name', 'ASC')
      .limit(page.limit)
      .offset(page.offset)
      .getRawMany<MemberRow>()
      .then(async (items) => [items, await manager.countBy(Membership, { organizationId })] as const);
    return { items: rows, total };
  }

  async addMember(
    manager: EntityManager,
    organizationId: string,
    userId: string,
    role: MembershipRole,
  ): Promise<Membership> {
    return manager.save(manager.create(Membership, { organizationId, userId, role }));
  }

  async setRole(
    manager: EntityManager,
    organizationId: string,
    membershipId: string,
    role: MembershipRole,
  ): Promise<void> {
    await manager.update(Membership, { organizationId, id: membershipId }, { role });
  }

  async removeMember(manager: EntityManager, organizationId: string, membershipId: string): Promise<void> {
    await manager.delete(Membership, { organizationId, id: membershipId });
  }

  /** Locks the admins' rows, so two admins leaving or demoted at once cannot leave none. */
  countAdmins(manager: EntityManager, organizationId: string): Promise<number> {
    return manager
      .find(Membership, {
        where: { organizationId, role: 'org_admin' },
        order: { id: 'ASC' },
        lock: { mode: 'pessimistic_write' },
      })
      .then((admins) => admins.length);
  }
}
