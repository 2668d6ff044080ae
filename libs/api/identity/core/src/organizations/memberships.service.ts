import { Injectable } from '@nestjs/common';
import type { Membership, Organization } from '@ppt/api-db';
import type { MembershipRole } from '@ppt/db';
import type { EntityManager } from 'typeorm';
import { OrganizationsRepository } from './organizations.repository';

/**
 * Organisations and memberships as other contexts see them (people's invitations bind an account to an
 * organisation), inside the caller's transaction: identity's public API over its repository.
 */
@Injectable()
export class MembershipsService {
  constructor(private readonly organizations: OrganizationsRepository) {}

  findOrganization(manager: EntityManager, organizationId: string): Promise<Organization | null> {
    return this.organizations.findById(manager, organizationId);
  }

  findMembership(manager: EntityManager, organizationId: string, userId: string): Promise<Membership | null> {
    return this.organizations.findMembership(manager, organizationId, userId);
  }

  addMember(
    manager: EntityManager,
    organizationId: string,
    userId: string,
    role: MembershipRole,
  ): Promise<Membership> {
    return this.organizations.addMember(manager, organizationId, userId, role);
  }
}
