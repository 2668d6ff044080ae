import { Injectable } from '@nestjs/common';
import { Permission, rolesWith } from '@ppt/auth';
import {
  AnnouncementRecipient,
  Charge,
  Fault,
  Lease,
  LeaseCoTenant,
  Membership,
  Person,
  VoteEligibleUnit,
  VoteParticipation,
} from '@ppt/api-db';
import { type MembershipRole } from '@ppt/db';
import { In, type EntityManager } from 'typeorm';

/** Who handles faults in an organisation (they hear of new ones). */
const FAULT_STAFF = (): MembershipRole[] => rolesWith(Permission.FaultManage);
/** Who manages leases and portal accounts. */
const MANAGERS = (): MembershipRole[] => rolesWith(Permission.LeaseManage);

/**
 * The recipients of each trigger (docs/notifications.md), read in the organisation's transaction.
 * Reads the owning features' tables through their entities, as the lead e-mail does: those
 * features offer no service call for "who is concerned" yet.
 */
@Injectable()
export class NotificationRecipients {
  async members(m: EntityManager, organizationId: string, roles: MembershipRole[]): Promise<string[]> {
    return (await m.findBy(Membership, { organizationId, role: In(roles) })).map((r) => r.userId);
  }

  faultStaff(m: EntityManager, organizationId: string): Promise<string[]> {
    return this.members(m, organizationId, FAULT_STAFF());
  }

  managers(m: EntityManager, organizationId: string): Promise<string[]> {
    return this.members(m, organizationId, MANAGERS());
  }

  fault(m: EntityManager, organizationId: string, id: string): Promise<Fault | null> {
    return m.findOneBy(Fault, { organizationId, id });
  }

  /**
   * The accounts of people that are members of the organisation now (people without an account, and
   * accounts whose membership was removed, are not told: a person row keeps its user link after the
   * membership goes).
   */
  async usersOf(m: EntityManager, organizationId: string, personIds: string[]): Promise<string[]> {
    if (personIds.length === 0) return [];
    const people = await m.findBy(Person, { organizationId, id: In([...new Set(personIds)]) });
    return this.currentMembers(
      m,
      organizationId,
      people.map((p) => p.userId).filter((u): u is string => u !== null),
    );
  }

  /** Those of `userIds` who are members of the organisation now. */
  async currentMembers(m: EntityManager, organizationId: string, userIds: string[]): Promise<string[]> {
    if (userIds.length === 0) return [];
    const members = new Set(
      (await m.findBy(Membership, { organizationId, userId: In([...new Set(userIds)]) })).map(
        (r) => r.userId,
      ),
    );
    return userIds.filter((u) => members.has(u));
  }

  /** The unit owners of a vote's snapshot (those who may vote). */
  async voters(m: EntityManager, organizationId: string, voteId: string): Promise<string[]> {
    const units = await m.findBy(VoteEligibleUnit, { organizationId, voteId });
    return this.usersOf(
      m,
      organizationId,
      units.flatMap((u) => u.ownerPersonIds),
    );
  }

  /** Voters who have not voted yet (for the closing reminder). */
  async votersYetToVote(m: EntityManager, organizationId: string, voteId: string): Promise<string[]> {
    const units = await m.findBy(VoteEligibleUnit, { organizationId, voteId });
    const voted = new Set(
      (await m.findBy(VoteParticipation, { organizationId, voteId })).map((p) => p.unitId),
    );
    return this.usersOf(
      m,
      organizationId,
      units.filter((u) => !voted.has(u.unitId)).flatMap((u) => u.ownerPersonIds),
    );
  }

  /** Current occupants (owners, tenants, household) with an account, of units that have a meter. */
  async occupantsWithMeters(m: EntityManager, organizationId: string, today: string): Promise<string[]> {
    const rows = (await m.query(
      `SELECT DISTINCT p.user_id AS "userId"
         FROM unit_occupants o
         JOIN people p ON p.organization_id = o.organization_id AND p.id = o.person_id
        WHERE o.organization_id = $1 AND p.user_id IS NOT NULL
          AND EXISTS (SELECT 1 FROM memberships ms WHERE ms.organization_id = o.organization_id AND ms.user_id = p.user_id)
          AND o.starts_on <= $2 AND (o.ends_on IS NULL OR o.ends_on >= $2)
          AND EXISTS (SELECT 1 FROM meters mt WHERE mt.organization_id = o.organization_id AND mt.unit_id = o.unit_id)`,
      [organizationId, today],
    )) as { userId: string }[];
    return rows.map((r) => r.userId);
  }

  /** The lease's tenants (primary and co-tenants). */
  async leaseTenants(m: EntityManager, organizationId: string, leaseId: string): Promise<string[]> {
    const lease = await m.findOneBy(Lease, { organizationId, id: leaseId });
    if (!lease) return [];
    const co = await m.findBy(LeaseCoTenant, { organizationId, leaseId });
    return this.usersOf(m, organizationId, [lease.primaryTenantId, ...co.map((c) => c.personId)]);
  }

  /** The announcement's recipients as recorded when it was published. */
  async announcementAudience(
    m: EntityManager,
    organizationId: string,
    announcementId: string,
  ): Promise<string[]> {
    return this.currentMembers(
      m,
      organizationId,
      (await m.findBy(AnnouncementRecipient, { organizationId, announcementId })).map((r) => r.userId),
    );
  }

  async chargePayer(
    m: EntityManager,
    organizationId: string,
    chargeId: string,
  ): Promise<{ userIds: string[]; charge: Charge | null }> {
    const charge = await m.findOneBy(Charge, { organizationId, id: chargeId });
    return {
      charge,
      userIds: charge?.personId ? await this.usersOf(m, organizationId, [charge.personId]) : [],
    };
  }
}
