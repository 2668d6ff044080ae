import { Injectable } from '@nestjs/common';
import { AuditLogEntry, TenantTransactions } from '@ppt/db';
import type { EntityManager } from 'typeorm';
import type { RequestMeta } from '../../common/request-meta';

export type SecurityAction =
  | 'auth.register'
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
  | 'organization.created'
  | 'organization.updated'
  | 'membership.added'
  | 'membership.invited'
  | 'membership.role_changed'
  | 'membership.removed';

export interface AuditEvent {
  action: SecurityAction;
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
  constructor(private readonly tenant: TenantTransactions) {}

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
}
