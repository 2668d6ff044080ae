import { Injectable, Logger } from '@nestjs/common';
import type { UserPrincipal } from '@ppt/auth';
import { TenantTransactions } from '@ppt/db';
import { type PersonInvitation } from '@ppt/api-db';
import { type RequestMeta, type Tenant, TenantUnitOfWork } from '@ppt/api-shared';
import { requireVerifiedEmail } from '@ppt/api-identity-core';
import { newOpaqueToken, sha256 } from '@ppt/api-identity-core';
import { PasswordDoor, PasswordDoors } from '@ppt/api-identity-core';
import { Mailer } from '@ppt/api-shared';
import { mailTemplates, type MailMessage } from '@ppt/api-shared';
import { MembershipsService, UsersService } from '@ppt/api-identity-core';
import type {
  AcceptedPersonInvitationResponse,
  InvitePersonDto,
  PersonInvitationResponse,
} from './dto/person-invitation.dto';
import { PersonError, PersonErrorCode } from './people.errors';
import { PeopleRepository } from './people.repository';

const INVITATION_TTL_MS = 14 * 24 * 3600_000;

/**
 * Links a person (an owner or tenant the office knows) to a user account: the office sends an
 * invitation to the person's e-mail; the owner of that address — signed in to an account whose verified
 * e-mail equals it — presents its token, becomes a member with the invited role and sees that person's
 * units, leases and faults. The token is stored only as a hash.
 */
@Injectable()
export class PersonInvitationsService {
  private readonly logger = new Logger(PersonInvitationsService.name);

  constructor(
    private readonly transactions: TenantTransactions,
    private readonly tenant: TenantUnitOfWork,
    private readonly people: PeopleRepository,
    private readonly memberships: MembershipsService,
    private readonly users: UsersService,
    private readonly mailer: Mailer,
    private readonly doors: PasswordDoors,
  ) {}

  async invite(
    t: Tenant,
    personId: string,
    dto: InvitePersonDto,
    meta: RequestMeta,
  ): Promise<PersonInvitationResponse> {
    const token = newOpaqueToken();
    let mail: MailMessage | undefined;
    const invitation = await this.tenant.run(
      t,
      async (tx) => {
        const person = await this.people.findForUpdate(tx, personId);
        if (!person) throw new PersonError(PersonErrorCode.NotFound, 'Person not found');
        if (person.userId) {
          throw new PersonError(PersonErrorCode.AlreadyLinked, 'This person is already linked to an account');
        }
        const email = dto.email ?? person.email;
        if (!email) {
          throw new PersonError(PersonErrorCode.EmailMissing, 'The person has no e-mail address; give one');
        }
        await this.people.revokePendingInvitations(tx, personId);
        const created = await this.people.createInvitation(tx, {
          personId,
          email,
          role: dto.role,
          tokenHash: token.hash,
          expiresAt: new Date(Date.now() + INVITATION_TTL_MS),
          invitedByUserId: t.userId,
        });
        await tx.audit(
          'person.invited',
          { type: 'person', id: personId },
          { invitationId: created.id, role: dto.role },
        );
        const organization = await this.memberships.findOrganization(tx.manager, tx.organizationId);
        mail = mailTemplates.residentInvitation(
          email,
          person.firstName,
          organization?.name ?? 'Your property manager',
          dto.role,
          this.mailer.appLink('accept-resident-invitation', token.token),
        );
        return created;
      },
      meta,
    );
    // After commit: a failed send is logged, and the office can invite again (the new link replaces this one).
    if (mail) {
      await this.mailer
        .send(mail)
        .catch((err: Error) => this.logger.error({ err }, 'Could not send the resident invitation'));
    }
    return toResponse(invitation);
  }

  /**
   * The signed-in caller accepts: they become a member with the invited role (an existing membership
   * keeps its role) and are linked to the person. One account is linked to at most one person per
   * organisation.
   */
  async accept(
    user: UserPrincipal,
    token: string,
    meta: RequestMeta,
  ): Promise<AcceptedPersonInvitationResponse> {
    // Token guessing is limited like password guessing: per (account, IP) and per IP.
    await this.doors.check(PasswordDoor.Invitation, user.userId, meta.ip);
    const account = requireVerifiedEmail(await this.users.findById(user.userId));
    const found = await this.transactions.runPlatform('person-invitation-accept', (m) =>
      this.people.findInvitationByTokenHash(m, sha256(token)),
    );
    if (!found) {
      await this.doors.failed(PasswordDoor.Invitation, user.userId, meta.ip);
      throw new PersonError(PersonErrorCode.InvitationNotFound, 'The invitation is not valid');
    }
    // The invitation names the organisation; the signed-in account acts in it.
    const actor = { organizationId: found.organizationId, userId: user.userId };
    return this.tenant.run(
      actor,
      async (tx) => {
        const { organizationId } = tx;
        const invitation = await this.people.lockInvitation(tx, found.id);
        if (!invitation)
          throw new PersonError(PersonErrorCode.InvitationNotFound, 'The invitation is not valid');
        // Checked first and leaving the invitation usable: the wrong account learns nothing about it.
        if (invitation.email.toLowerCase() !== account.email.toLowerCase()) {
          throw new PersonError(
            PersonErrorCode.InvitationEmailMismatch,
            'This invitation was sent to another e-mail address; sign in with that account',
          );
        }
        if (invitation.acceptedAt || invitation.revokedAt || invitation.expiresAt.getTime() <= Date.now()) {
          throw new PersonError(
            PersonErrorCode.InvitationNotPending,
            invitation.acceptedAt
              ? 'The invitation has already been accepted'
              : invitation.revokedAt
                ? 'A newer invitation replaced this one'
                : 'The invitation has expired; ask for a new one',
          );
        }
        const person = await this.people.findForUpdate(tx, invitation.personId);
        if (!person) throw new PersonError(PersonErrorCode.InvitationNotFound, 'The invitation is not valid');
        if (person.userId && person.userId !== user.userId) {
          throw new PersonError(
            PersonErrorCode.AlreadyLinked,
            'This person is already linked to another account',
          );
        }
        const linked = await this.people.findLinkedToUser(tx, user.userId);
        if (linked && linked.id !== person.id) {
          throw new PersonError(
            PersonErrorCode.UserAlreadyLinked,
            'Your account is already linked to another person in this organisation',
          );
        }
        const membership =
          (await this.memberships.findMembership(tx.manager, organizationId, user.userId)) ??
          (await this.memberships.addMember(tx.manager, organizationId, user.userId, invitation.role));
        await this.people.update(tx, person.id, { userId: user.userId });
        await this.people.markInvitationAccepted(tx, invitation.id, user.userId);
        await tx.audit(
          'person.account_linked',
          { type: 'person', id: person.id },
          { invitationId: invitation.id, role: membership.role },
        );
        const organization = await this.memberships.findOrganization(tx.manager, organizationId);
        return {
          organizationId,
          organizationName: organization?.name ?? '',
          personId: person.id,
          role: membership.role,
        };
      },
      meta,
    );
  }
}

function toResponse(i: PersonInvitation): PersonInvitationResponse {
  return {
    id: i.id,
    personId: i.personId,
    email: i.email,
    role: i.role,
    expiresAt: i.expiresAt,
    createdAt: i.createdAt,
  };
}
