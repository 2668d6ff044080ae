import { Injectable } from '@nestjs/common';
import { can, Permission, type UserPrincipal } from '@ppt/auth';
import { type Organization } from '@ppt/api-db';
import { TenantTransactions, type MembershipRole } from '@ppt/db';
import { randomBytes, randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import type { Page, PageQueryDto } from '@ppt/http';
import type { RequestMeta } from '@ppt/api-shared';
import { AuditService, TenantUnitOfWork } from '@ppt/api-shared';
import { requireVerifiedEmail } from '../auth/email-verified';
import { SessionStore } from '../sessions/session-store';
import { UsersRepository } from '../users/users.repository';
import type { CreateOrganizationDto, MemberResponse, OrganizationResponse } from './dto/organizations.dto';
import { OrganizationError, OrganizationErrorCode } from './organizations.errors';
import { OrganizationsRepository, type MemberRow } from './organizations.repository';

/**
 * Organisations and their members. Access is decided per organisation by the caller's membership in
 * it (not by the organisation the token acts in); a non-member gets 404, never a hint that it exists.
 */
@Injectable()
export class OrganizationsService {
  constructor(
    private readonly tenant: TenantTransactions,
    private readonly unitOfWork: TenantUnitOfWork,
    private readonly organizations: OrganizationsRepository,
    private readonly users: UsersRepository,
    private readonly sessions: SessionStore,
    private readonly audit: AuditService,
  ) {}

  async create(
    actor: UserPrincipal,
    dto: CreateOrganizationDto,
    meta: RequestMeta,
  ): Promise<OrganizationResponse> {
    requireVerifiedEmail(await this.users.findById(actor.userId));
    return this.createWithAdmin({ userId: actor.userId }, actor.userId, dto, meta);
  }

  /**
   * Creates an organisation with `adminUserId` as its org_admin, audited as `by` (the signed-in creator,
   * or the admin CLI's client id) with `organization.created` in the outbox, all in one transaction. The
   * caller has checked that the admin's e-mail address is proven.
   */
  async createWithAdmin(
    by: { userId: string | null; clientId?: string | null },
    adminUserId: string,
    dto: CreateOrganizationDto,
    meta: RequestMeta,
  ): Promise<OrganizationResponse> {
    const id = randomUUID();
    const slug = dto.slug ?? `${slugify(dto.name)}-${randomBytes(3).toString('hex')}`;
    const organization = await this.unitOfWork
      .run(
        { ...by, organizationId: id },
        async (tx) => {
          const created = await this.organizations.create(tx.manager, { id, name: dto.name, slug });
          await this.organizations.addMember(tx.manager, id, adminUserId, 'org_admin');
          await tx.audit(
            'organization.created',
            { type: 'organization', id },
            { name: dto.name, slug, ...(by.userId === adminUserId ? {} : { adminUserId }) },
          );
          await tx.emit({
            type: 'organization.created',
            aggregateId: id,
            aggregateVersion: 1,
            payload: { organizationId: id, name: dto.name, slug, adminUserId },
          });
          return created;
        },
        meta,
      )
      .catch((err: unknown) => {
        if ((err as { constraint?: string }).constraint === 'uq_organizations_slug') {
          throw new OrganizationError(OrganizationErrorCode.SlugTaken, `The slug "${slug}" is taken`);
        }
        throw err;
      });
    return toResponse(organization, 'org_admin');
  }

  async list(actor: UserPrincipal): Promise<OrganizationResponse[]> {
    const rows = await this.tenant.run({ userId: actor.userId }, (m) =>
      this.organizations.listForUser(m, actor.userId),
    );
    return rows.map((r) => toResponse(r.organization, r.role));
  }

  async get(actor: UserPrincipal, organizationId: string): Promise<OrganizationResponse> {
    return this.inOrganization(actor, organizationId, null, async (m, role) => {
      const organization = await this.organizations.findById(m, organizationId);
      if (!organization) throw notFound();
      return toResponse(organization, role);
    });
  }

  async update(
    actor: UserPrincipal,
    organizationId: string,
    changes: { name?: string },
    meta: RequestMeta,
  ): Promise<OrganizationResponse> {
    return this.inOrganization(actor, organizationId, Permission.OrganizationManage, async (m, role) => {
      const before = await this.organizations.findById(m, organizationId);
      if (!before) throw notFound();
      if (changes.name !== undefined)
        await this.organizations.update(m, organizationId, { name: changes.name });
      await this.audit.record(
        {
          action: 'organization.updated',
          organizationId,
          actorUserId: actor.userId,
          entityType: 'organization',
          entityId: organizationId,
          details: { before: { name: before.name }, after: changes },
        },
        meta,
        m,
      );
      return toResponse({ ...before, ...changes }, role);
    });
  }

  async listMembers(
    actor: UserPrincipal,
    organizationId: string,
    page: PageQueryDto,
  ): Promise<Page<MemberResponse>> {
    return this.inOrganization(actor, organizationId, Permission.MemberRead, async (m) => {
      const { items, total } = await this.organizations.listMembers(m, organizationId, page);
      return { items: items.map(toMember), total, limit: page.limit, offset: page.offset };
    });
  }

  async changeRole(
    actor: UserPrincipal,
    organizationId: string,
    membershipId: string,
    role: MembershipRole,
    meta: RequestMeta,
  ): Promise<MemberResponse> {
    return this.inOrganization(actor, organizationId, Permission.MemberManage, async (m) => {
      const member = await this.organizations.findMember(m, organizationId, membershipId);
      if (!member) throw new OrganizationError(OrganizationErrorCode.MemberNotFound, 'Member not found');
      if (member.role === 'org_admin' && role !== 'org_admin') await this.keepOneAdmin(m, organizationId);
      await this.organizations.setRole(m, organizationId, membershipId, role);
      // Tokens of the member's sessions acting here claim the old role: they stop working at once,
      // and the next refresh issues one with the new role.
      await this.sessions.advance({ userId: member.userId, currentOrganizationId: organizationId }, {}, m);
      await this.audit.record(
        {
          action: 'membership.role_changed',
          organizationId,
          actorUserId: actor.userId,
          entityType: 'membership',
          entityId: membershipId,
          details: { userId: member.userId, before: member.role, after: role },
        },
        meta,
        m,
      );
      const user = await this.users.findById(member.userId, m);
      return toMember({
        id: member.id,
        userId: member.userId,
        email: user?.email ?? '',
        displayName: user?.displayName ?? '',
        role,
        createdAt: member.createdAt,
      });
    });
  }

  /** Removes a member and ends their sessions acting in this organisation. */
  async removeMember(
    actor: UserPrincipal,
    organizationId: string,
    membershipId: string,
    meta: RequestMeta,
  ): Promise<void> {
    await this.inOrganization(actor, organizationId, Permission.MemberManage, async (m) => {
      const member = await this.organizations.findMember(m, organizationId, membershipId);
      if (!member) throw new OrganizationError(OrganizationErrorCode.MemberNotFound, 'Member not found');
      if (member.role === 'org_admin') await this.keepOneAdmin(m, organizationId);
      await this.organizations.removeMember(m, organizationId, membershipId);
      await this.audit.record(
        {
          action: 'membership.removed',
          organizationId,
          actorUserId: actor.userId,
          entityType: 'membership',
          entityId: membershipId,
          details: { userId: member.userId, role: member.role },
        },
        meta,
        m,
      );
      await this.sessions.revoke(
        { userId: member.userId, currentOrganizationId: organizationId },
        'membership_removed',
        m,
      );
    });
  }

  /**
   * The caller leaves: their membership goes and their sessions acting in this organisation end. Needs
   * no verified e-mail (leaving is always allowed); the last org_admin must hand over first.
   */
  async leave(actor: UserPrincipal, organizationId: string, meta: RequestMeta): Promise<void> {
    await this.tenant.run({ organizationId, userId: actor.userId }, async (m) => {
      const membership = await this.organizations.findMembership(m, organizationId, actor.userId);
      if (!membership) throw notFound();
      if (membership.role === 'org_admin') await this.keepOneAdmin(m, organizationId);
      await this.organizations.removeMember(m, organizationId, membership.id);
      await this.audit.record(
        {
          action: 'membership.left',
          organizationId,
          actorUserId: actor.userId,
          entityType: 'membership',
          entityId: membership.id,
          details: { userId: actor.userId, role: membership.role },
        },
        meta,
        m,
      );
    });
    await this.sessions.revoke(
      { userId: actor.userId, currentOrganizationId: organizationId },
      'membership_removed',
    );
  }

  /**
   * Runs work scoped to the organisation after checking the caller's membership in it: no
   * membership → 404; an unverified e-mail → 403 (a membership counts only for a proven address);
   * a role without `permission` → 403. Platform admins may act in any organisation.
   */
  inOrganization<T>(
    actor: UserPrincipal,
    organizationId: string,
    permission: Permission | null,
    work: (m: EntityManager, role: MembershipRole) => Promise<T>,
  ): Promise<T> {
    return this.tenant.run({ organizationId, userId: actor.userId }, async (m) => {
      const membership = await this.organizations.findMembership(m, organizationId, actor.userId);
      const role: MembershipRole | null = membership?.role ?? (actor.platformAdmin ? 'org_admin' : null);
      if (!role) throw notFound();
      requireVerifiedEmail(await this.users.findById(actor.userId, m));
      if (permission && !can({ role }, permission))
        throw new OrganizationError(
          OrganizationErrorCode.RoleNotAllowed,
          'Your role in this organisation does not allow this',
        );
      return work(m, role);
    });
  }

  private async keepOneAdmin(m: EntityManager, organizationId: string): Promise<void> {
    if ((await this.organizations.countAdmins(m, organizationId)) <= 1) {
      throw new OrganizationError(
        OrganizationErrorCode.LastAdmin,
        'An organisation needs at least one org_admin',
      );
    }
  }
}

function notFound(): OrganizationError {
  return new OrganizationError(OrganizationErrorCode.NotFound, 'Organisation not found');
}

/** A URL-safe handle from a name: "SVJ Vinohradská 12" → "svj-vinohradska-12". */
export function slugify(name: string): string {
  const base = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 80);
  return base.length >= 2 ? base : 'org';
}

function toResponse(
  o: Pick<Organization, 'id' | 'name' | 'slug' | 'createdAt'>,
  role: MembershipRole,
): OrganizationResponse {
  return { id: o.id, name: o.name, slug: o.slug, role, createdAt: o.createdAt };
}

function toMember(row: MemberRow): MemberResponse {
  return { ...row };
}
