import { Injectable, Logger } from '@nestjs/common';
import { Permission, type UserPrincipal } from '@ppt/auth';
import { type OrganizationInvitation, type User } from '@ppt/api-db';
import { TenantTransactions } from '@ppt/db';
import type { Page, PageQueryDto } from '@ppt/http';
import type { RequestMeta } from '@ppt/api-shared';
import { AuditService } from '@ppt/api-shared';
import { requireVerifiedEmail } from '../auth/email-verified';
import { newOpaqueToken, sha256 } from '../auth/opaque-token';
import { PasswordDoor, PasswordDoors } from '../auth/password-doors';
import { Mailer } from '@ppt/api-shared';
import { mailTemplates, type MailMessage } from '@ppt/api-shared';
import { UsersRepository } from '../users/users.repository';
import type {
  AcceptedInvitationResponse,
  InvitationResponse,
  InvitationStatus,
  InviteMemberDto,
  InviterResponse,
  ReceivedInvitationResponse,
} from './dto/invitations.dto';
import { InvitationError, InvitationErrorCode } from './invitations.errors';
import { InvitationsRepository } from './invitations.repository';
import { OrganizationError, OrganizationErrorCode } from './organizations.errors';
import { OrganizationsRepository } from './organizations.repository';
import { OrganizationsService } from './organizations.service';

/** Inviting members and withdrawing invitations. */
const MANAGE_ORG = Permission.OrganizationManage;

const INVITATION_TTL_MS = 7 * 24 * 3600_000;

/**
 * Nobody becomes a member without consent and proof: an org_admin invites an e-mail address, and the
 * membership is created only when someone signed in to an account whose verified e-mail equals that
 * address presents the token mailed there. The token is single-use, expires, can be revoked, and is
 * stored only as its SHA-256.
 */
@Injectable()
export class InvitationsService {
  private readonly logger = new Logger(InvitationsService.name);

  constructor(
    private readonly tenant: TenantTransactions,
    private readonly organizationsService: OrganizationsService,
    private readonly organizations: OrganizationsRepository,
    private readonly invitations: InvitationsRepository,
    private readonly users: UsersRepository,
    private readonly audit: AuditService,
    private readonly mailer: Mailer,
    private readonly doors: PasswordDoors,
  ) {}

  /** Replaces an open invitation for the same address; says nothing about whether the address has an account. */
  async invite(
    actor: UserPrincipal,
    organizationId: string,
    dto: InviteMemberDto,
    meta: RequestMeta,
  ): Promise<InvitationResponse> {
    const token = newOpaqueToken();
    let mail: MailMessage | undefined;
    const response = await this.organizationsService
      .inOrganization(actor, organizationId, MANAGE_ORG, async (m) => {
        const organization = await this.organizations.findById(m, organizationId);
        if (!organization)
          throw new OrganizationError(OrganizationErrorCode.NotFound, 'Organisation not found');
        const existing = await this.users.findByEmail(dto.email, m);
        if (existing && (await this.organizations.findMembership(m, organizationId, existing.id))) {
          throw new OrganizationError(OrganizationErrorCode.AlreadyMember, 'This person is already a member');
        }
        await this.invitations.revokeOpenFor(m, organizationId, dto.email);
        const invitation = await this.invitations.create(m, organizationId, {
          email: dto.email,
          role: dto.role,
          tokenHash: token.hash,
          expiresAt: new Date(Date.now() + INVITATION_TTL_MS),
          invitedByUserId: actor.userId,
        });
        await this.audit.record(
          {
            action: 'membership.invited',
            organizationId,
            actorUserId: actor.userId,
            entityType: 'organization_invitation',
            entityId: invitation.id,
            details: { email: dto.email, role: dto.role },
          },
          meta,
          m,
        );
        const inviter = await this.users.findById(actor.userId, m);
        mail = mailTemplates.invitation(
          dto.email,
          organization.name,
          inviterOf(inviter),
          dto.role,
          this.mailer.appLink('accept-invitation', token.token),
        );
        return toResponse(invitation, inviter);
      })
      .catch((err: unknown) => {
        if ((err as { constraint?: string }).constraint === 'uq_organization_invitations_open_email') {
          throw new InvitationError(
            InvitationErrorCode.Conflict,
            'Another invitation for this address was sent at the same moment; try again',
          );
        }
        throw err;
      });
    // After commit: a failed send is logged, and the admin can invite again (the new link replaces this one).
    if (mail) {
      await this.mailer
        .send(mail)
        .catch((err: Error) => this.logger.error({ err }, 'Could not send the invitation'));
    }
    return response;
  }

  list(actor: UserPrincipal, organizationId: string, page: PageQueryDto): Promise<Page<InvitationResponse>> {
    return this.organizationsService.inOrganization(actor, organizationId, MANAGE_ORG, async (m) => {
      const [rows, total] = await this.invitations.listOpen(m, organizationId, page);
      const inviters = await this.usersById(
        rows.map((r) => r.invitedByUserId).filter((id): id is string => id !== null),
      );
      return {
        items: rows.map((r) => toResponse(r, r.invitedByUserId ? inviters.get(r.invitedByUserId) : null)),
        total,
        limit: page.limit,
        offset: page.offset,
      };
    });
  }

  async revoke(
    actor: UserPrincipal,
    organizationId: string,
    invitationId: string,
    meta: RequestMeta,
  ): Promise<void> {
    await this.organizationsService.inOrganization(actor, organizationId, MANAGE_ORG, async (m) => {
      const invitation = await this.invitations.lock(m, organizationId, invitationId);
      const status = invitation && statusOf(invitation);
      if (!invitation || (status !== 'pending' && status !== 'expired')) {
        throw new InvitationError(InvitationErrorCode.NotFound, 'No open invitation with this id');
      }
      await this.invitations.mark(m, organizationId, invitationId, 'revoked');
      await this.audit.record(
        {
          action: 'membership.invitation_revoked',
          organizationId,
          actorUserId: actor.userId,
          entityType: 'organization_invitation',
          entityId: invitationId,
          details: { email: invitation.email, role: invitation.role },
        },
        meta,
        m,
      );
    });
  }

  /** The caller's pending invitations: those sent to their verified address. */
  async received(principal: UserPrincipal): Promise<ReceivedInvitationResponse[]> {
    const user = requireVerifiedEmail(await this.users.findById(principal.userId));
    const rows = await this.tenant.runPlatform('organization-invitation-invitee', (m) =>
      this.invitations.listPendingForEmail(m, user.email),
    );
    const inviters = await this.usersById(
      rows.map((r) => r.invitedByUserId).filter((id): id is string => id !== null),
    );
    const names = new Map<string, string>();
    for (const organizationId of new Set(rows.map((r) => r.organizationId))) {
      const organization = await this.tenant.run({ organizationId }, (m) =>
        this.organizations.findById(m, organizationId),
      );
      names.set(organizationId, organization?.name ?? '');
    }
    return rows.map((r) => ({
      id: r.id,
      organizationId: r.organizationId,
      organizationName: names.get(r.organizationId) ?? '',
      role: r.role,
      invitedBy: inviterOf(r.invitedByUserId ? inviters.get(r.invitedByUserId) : null),
      expiresAt: r.expiresAt,
    }));
  }

  /**
   * Creates the membership in one transaction with marking the invitation used. The account must be
   * verified and its address equal to the invited one; a mismatch leaves the invitation usable, and is
   * checked before the invitation's state so a wrong account learns nothing about it.
   */
  async accept(
    principal: UserPrincipal,
    token: string,
    meta: RequestMeta,
  ): Promise<AcceptedInvitationResponse> {
    // Token guessing is limited like password guessing: per (account, IP) and per IP.
    await this.doors.check(PasswordDoor.Invitation, principal.userId, meta.ip);
    const user = requireVerifiedEmail(await this.users.findById(principal.userId));
    const found = await this.tenant.runPlatform('organization-invitation-invitee', (m) =>
      this.invitations.findByTokenHash(m, sha256(token)),
    );
    if (!found) {
      await this.doors.failed(PasswordDoor.Invitation, principal.userId, meta.ip);
      throw new InvitationError(InvitationErrorCode.NotFound, 'The invitation is not valid');
    }
    const organizationId = found.organizationId;
    return this.tenant.run({ organizationId, userId: user.id }, async (m) => {
      const invitation = await this.invitations.lock(m, organizationId, found.id);
      if (!invitation) throw new InvitationError(InvitationErrorCode.NotFound, 'The invitation is not valid');
      requireAddressee(invitation, user);
      requireOpen(invitation);
      if (await this.organizations.findMembership(m, organizationId, user.id)) {
        throw new OrganizationError(OrganizationErrorCode.AlreadyMember, 'You are already a member');
      }
      const membership = await this.organizations.addMember(m, organizationId, user.id, invitation.role);
      await this.invitations.mark(m, organizationId, invitation.id, 'accepted', user.id);
      await this.audit.record(
        {
          action: 'membership.added',
          organizationId,
          actorUserId: user.id,
          entityType: 'membership',
          entityId: membership.id,
          details: { userId: user.id, role: invitation.role, invitationId: invitation.id },
        },
        meta,
        m,
      );
      const organization = await this.organizations.findById(m, organizationId);
      return {
        organizationId,
        organizationName: organization?.name ?? '',
        membershipId: membership.id,
        role: invitation.role,
      };
    });
  }

  async decline(principal: UserPrincipal, invitationId: string, meta: RequestMeta): Promise<void> {
    const user = requireVerifiedEmail(await this.users.findById(principal.userId));
    const found = await this.tenant.runPlatform('organization-invitation-invitee', (m) =>
      this.invitations.findForEmail(m, invitationId, user.email),
    );
    if (!found) throw new InvitationError(InvitationErrorCode.NotFound, 'No invitation with this id');
    const organizationId = found.organizationId;
    await this.tenant.run({ organizationId, userId: user.id }, async (m) => {
      const invitation = await this.invitations.lock(m, organizationId, found.id);
      if (!invitation) throw new InvitationError(InvitationErrorCode.NotFound, 'No invitation with this id');
      requireOpen(invitation);
      await this.invitations.mark(m, organizationId, invitation.id, 'declined');
      await this.audit.record(
        {
          action: 'membership.invitation_declined',
          organizationId,
          actorUserId: user.id,
          entityType: 'organization_invitation',
          entityId: invitation.id,
        },
        meta,
        m,
      );
    });
  }

  private async usersById(ids: string[]): Promise<Map<string, User>> {
    const users = new Map<string, User>();
    for (const id of new Set(ids)) {
      const user = await this.users.findById(id);
      if (user) users.set(id, user);
    }
    return users;
  }
}

function statusOf(i: OrganizationInvitation): InvitationStatus {
  if (i.acceptedAt) return 'accepted';
  if (i.declinedAt) return 'declined';
  if (i.revokedAt) return 'revoked';
  return i.expiresAt.getTime() <= Date.now() ? 'expired' : 'pending';
}

function requireAddressee(invitation: OrganizationInvitation, user: User): void {
  if (invitation.email.toLowerCase() !== user.email.toLowerCase()) {
    throw new InvitationError(
      InvitationErrorCode.EmailMismatch,
      'This invitation was sent to another e-mail address; sign in with that account',
    );
  }
}

function requireOpen(invitation: OrganizationInvitation): void {
  const status = statusOf(invitation);
  if (status === 'pending') return;
  const refusals = {
    accepted: [InvitationErrorCode.AlreadyAccepted, 'The invitation has already been accepted'],
    declined: [InvitationErrorCode.Declined, 'The invitation was declined'],
    revoked: [InvitationErrorCode.Revoked, 'The invitation was revoked or replaced by a newer one'],
    expired: [InvitationErrorCode.Expired, 'The invitation has expired; ask for a new one'],
  } as const;
  const [code, message] = refusals[status];
  throw new InvitationError(code, message);
}

function inviterOf(user: User | null | undefined): InviterResponse {
  return { userId: user?.id ?? null, displayName: user?.displayName ?? null, email: user?.email ?? null };
}

function toResponse(i: OrganizationInvitation, inviter: User | null | undefined): InvitationResponse {
  return {
    id: i.id,
    email: i.email,
    role: i.role,
    status: statusOf(i),
    invitedBy: inviterOf(inviter),
    expiresAt: i.expiresAt,
    createdAt: i.createdAt,
  };
}
