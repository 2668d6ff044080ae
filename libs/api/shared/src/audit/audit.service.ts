import { Injectable } from '@nestjs/common';
import { AuditLogEntry } from '@ppt/api-db';
import { TenantTransactions } from '@ppt/db';
import type { EntityManager } from 'typeorm';
import { changedFields } from '../common/diff';
import type { Page } from '@ppt/http';
import type { RequestMeta } from '../common/request-meta';
import { scopeOf, type Tenant } from '../common/tenant';
import { AuditLogRepository } from './audit-log.repository';
import type {
  AuditLogResponse,
  ListAuditLogsQueryDto,
  ListPlatformAuditLogsQueryDto,
} from './dto/audit-log.dto';

export type SecurityAction =
  | 'auth.register'
  | 'auth.register_existing'
  | 'auth.login'
  | 'auth.login_failed'
  | 'auth.logout'
  | 'auth.refresh_reuse'
  | 'auth.session_revoked'
  | 'auth.password_changed'
  | 'auth.password_reset'
  | 'auth.email_verified'
  | 'auth.organization_switched'
  | 'user.disabled'
  | 'operator.login'
  | 'operator.login_failed'
  | 'operator.logout'
  | 'queue_board.action'
  | 'oauth_client.created'
  | 'oauth_client.updated'
  | 'oauth_client.disabled'
  | 'user.platform_admin_granted'
  | 'secrets.resealed'
  | 'alert_rule.created'
  | 'alert_rule.updated'
  | 'alert_rule.deleted'
  | 'organization.created'
  | 'organization.updated'
  | 'membership.added'
  | 'membership.invited'
  | 'membership.role_changed'
  | 'membership.removed'
  | 'membership.left'
  | 'membership.invitation_revoked'
  | 'membership.invitation_declined'
  | 'person.invited'
  | 'person.account_linked';

/** Entities whose every change is audited with a before/after diff. */
export type AuditedEntity =
  | 'building'
  | 'unit'
  | 'person'
  | 'lease'
  | 'vendor'
  | 'fault'
  | 'meter'
  | 'meter_reading'
  | 'inspection'
  | 'listing'
  | 'announcement'
  | 'document'
  | 'vote'
  | 'charge'
  | 'payment'
  | 'expense'
  | 'reading_period';
export type ChangeVerb =
  | 'created'
  | 'updated'
  | 'archived'
  | 'deleted'
  | 'activated'
  | 'signed'
  | 'amended'
  | 'published'
  | 'recorded'
  | 'status_changed'
  | 'terminated'
  | 'opened'
  | 'closed'
  | 'cancelled'
  | 'ballot_cast'
  | 'delegated'
  | 'delegation_revoked'
  | 'reversed'
  | 'commented';
export type ChangeAction = `${AuditedEntity}.${ChangeVerb}`;

/**
 * Who made a change: a signed-in user (a request's `Tenant` is one) or the platform itself — a
 * scheduled job — recorded with no user and the client id `system`.
 */
export interface AuditActor {
  organizationId: string;
  userId: string | null;
  clientId?: string | null;
}

/** The `actorClientId` of changes made by scheduled jobs rather than by a user or an API client. */
export const SYSTEM_ACTOR_CLIENT_ID = 'system';

/** The actor of a scheduled job's change in `organizationId`. */
export function systemActor(organizationId: string): AuditActor {
  return { organizationId, userId: null, clientId: SYSTEM_ACTOR_CLIENT_ID };
}

/** The request metadata of work that no HTTP request caused (scheduled jobs). */
export const NO_REQUEST: RequestMeta = { ip: null, userAgent: null, requestId: null };

export interface AuditEvent {
  action: SecurityAction | ChangeAction;
  organizationId?: string | null;
  actorUserId?: string | null;
  actorClientId?: string | null;
  entityType?: string;
  entityId?: string;
  details?: Record<string, unknown>;
}

/**
 * Appends to audit_log. Pass the caller's transaction manager so the record commits (or rolls back)
 * with the change it describes (it carries the organisation scope RLS checks); without one, the
 * record is written in its own transaction scoped to the event's organisation.
 */
@Injectable()
export class AuditService {
  constructor(
    private readonly tenant: TenantTransactions,
    private readonly auditLog: AuditLogRepository,
  ) {}

  async list(t: Tenant, query: ListAuditLogsQueryDto): Promise<Page<AuditLogResponse>> {
    const [rows, total] = await this.tenant.run(scopeOf(t), (m) =>
      this.auditLog.list(m, t.organizationId, query),
    );
    return { items: rows.map(toResponse), total, limit: query.limit, offset: query.offset };
  }

  /** Security events that belong to no organisation (platform administrators only; the caller checks). */
  async listWithoutOrganization(query: ListPlatformAuditLogsQueryDto): Promise<Page<AuditLogResponse>> {
    const [rows, total] = await this.tenant.runPlatform('platform-audit', (m) =>
      this.auditLog.listWithoutOrganization(m, query),
    );
    return { items: rows.map(toResponse), total, limit: query.limit, offset: query.offset };
  }

  async record(event: AuditEvent, meta: RequestMeta, manager?: EntityManager): Promise<void> {
    if (!manager) {
      await this.tenant.run({ organizationId: event.organizationId }, (m) => this.record(event, meta, m));
      return;
    }
    // No RETURNING (updateEntity false): an entry without an organisation may be written but, by
    // RLS, not read back. jsonb: TypeORM's insert typing cannot express an arbitrary object column.
    await manager
      .createQueryBuilder()
      .insert()
      .into(AuditLogEntry)
      .updateEntity(false)
      .values({
        action: event.action,
        organizationId: event.organizationId ?? null,
        actorUserId: event.actorUserId ?? null,
        actorClientId: event.actorClientId ?? null,
        entityType: event.entityType ?? null,
        entityId: event.entityId ?? null,
        details: (event.details ?? null) as never,
        ip: meta.ip,
        userAgent: meta.userAgent,
        requestId: meta.requestId,
      })
      .execute();
  }

  /** Records a change of an audited entity with the fields that changed (inside the change's transaction). */
  async recordChange(
    manager: EntityManager,
    actor: AuditActor,
    meta: RequestMeta,
    entity: { type: AuditedEntity; id: string; verb: ChangeVerb },
    before: object | null,
    after: object | null,
  ): Promise<void> {
    await this.record(
      {
        action: `${entity.type}.${entity.verb}`,
        organizationId: actor.organizationId,
        actorUserId: actor.userId,
        actorClientId: actor.clientId ?? null,
        entityType: entity.type,
        entityId: entity.id,
        details: {
          changes: changedFields(
            before as Record<string, unknown> | null,
            after as Record<string, unknown> | null,
          ),
        },
      },
      meta,
      manager,
    );
  }
}

function toResponse({
  organizationId: _o,
  organization: _org,
  actorUser: _a,
  userAgent: _ua,
  ...entry
}: AuditLogEntry): AuditLogResponse {
  return entry;
}
