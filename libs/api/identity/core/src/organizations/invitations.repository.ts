import { Injectable } from '@nestjs/common';
import { OrganizationInvitation } from '@ppt/api-db';
import { type MembershipRole } from '@ppt/db';
import { IsNull, type EntityManager } from 'typeorm';

/** Organisation invitations; admin-side methods take the organisation (RLS backs it up). */
@Injectable()
export class InvitationsRepository {
  /** Revokes the open invitation for this address, if any (the partial unique index allows only one). */
  async revokeOpenFor(m: EntityManager, organizationId: string, email: string): Promise<void> {
    await m
      .createQueryBuilder()
      .update(OrganizationInvitation)
      .set({ revokedAt: () => 'now()' })
      .where('organization_id = :organizationId AND lower(email) = lower(:email)', { organizationId, email })
      .andWhere('accepted_at IS NULL AND declined_at IS NULL AND revoked_at IS NULL')
      .execute();
  }

  create(
    m: EntityManager,
    organizationId: string,
    data: {
      email: string;
      role: MembershipRole;
      tokenHash: string;
      expiresAt: Date;
      invitedByUserId: string;
    },
  ): Promise<OrganizationInvitation> {
    return m.save(m.create(OrganizationInvitation, { ...data, organizationId }));
  }

  /** Open invitations (not answered, not revoked; expired ones included), newest first. */
  listOpen(
    m: EntityManager,
    organizationId: string,
    page: { limit: number; offset: number },
  ): Promise<[OrganizationInvitation[], number]> {
    return m.findAndCount(OrganizationInvitation, {
      where: { organizationId, acceptedAt: IsNull(), declinedAt: IsNull(), revokedAt: IsNull() },
      order: { createdAt: 'DESC', id: 'ASC' },
      take: page.limit,
      skip: page.offset,
    });
  }

  lock(m: EntityManager, organizationId: string, id: string): Promise<OrganizationInvitation | null> {
    return m.findOne(OrganizationInvitation, {
      where: { organizationId, id },
      lock: { mode: 'pessimistic_write' },
    });
  }

  async mark(
    m: EntityManager,
    organizationId: string,
    id: string,
    outcome: 'accepted' | 'declined' | 'revoked',
    userId?: string,
  ): Promise<void> {
    const changes =
      outcome === 'accepted'
        ? { acceptedAt: () => 'now()', acceptedByUserId: userId }
        : outcome === 'declined'
          ? { declinedAt: () => 'now()' }
          : { revokedAt: () => 'now()' };
    await m.update(OrganizationInvitation, { organizationId, id }, changes);
  }

  /** Platform scope 'organization-invitation-invitee': the token alone names the organisation. */
  findByTokenHash(m: EntityManager, tokenHash: string): Promise<OrganizationInvitation | null> {
    return m.findOneBy(OrganizationInvitation, { tokenHash });
  }

  /** Platform scope 'organization-invitation-invitee': one invitation by id, only if sent to this address. */
  findForEmail(m: EntityManager, id: string, email: string): Promise<OrganizationInvitation | null> {
    return m
      .createQueryBuilder(OrganizationInvitation, 'i')
      .where('i.id = :id AND lower(i.email) = lower(:email)', { id, email })
      .getOne();
  }

  /** Platform scope 'organization-invitation-invitee': the open, unexpired invitations sent to an address. */
  listPendingForEmail(m: EntityManager, email: string): Promise<OrganizationInvitation[]> {
    return m
      .createQueryBuilder(OrganizationInvitation, 'i')
      .where('lower(i.email) = lower(:email)', { email })
      .andWhere('i.accepted_at IS NULL AND i.declined_at IS NULL AND i.revoked_at IS NULL')
      .andWhere('i.expires_at > now()')
      .orderBy('i.created_at', 'DESC')
      .getMany();
  }
}
