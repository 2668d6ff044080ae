import { Injectable } from '@nestjs/common';
import {
  type OrganizationId,
  type OrganizationScope,
  TenantTransactions,
  trustedOrganizationId,
} from '@ppt/db';
import { type DomainEventPayloads, type DomainEventType, OutboxWriter } from '@ppt/events';
import {
  type AuditActor,
  type AuditedEntity,
  AuditService,
  type ChangeVerb,
  NO_REQUEST,
  type SecurityAction,
} from '../audit/audit.service';
import type { RequestMeta } from './request-meta';

/** A domain event of the transaction's organisation (the unit of work fills the organisation in). */
export interface TenantEvent<T extends DomainEventType> {
  type: T;
  aggregateId: string;
  aggregateVersion: number;
  payload: DomainEventPayloads[T];
}

/**
 * One tenant transaction: its manager (row-level security set to the actor's organisation and user),
 * who acts, the request that asked, and the audit log and outbox of the same transaction, so a change,
 * its audit row and its events commit together or not at all.
 */
export interface TenantTransaction extends OrganizationScope {
  readonly actor: AuditActor;
  readonly meta: RequestMeta;
  /** A security event (sign-ins, memberships, organisations) of the actor in this organisation. */
  audit(
    action: SecurityAction,
    target?: { type: string; id: string },
    details?: Record<string, unknown>,
  ): Promise<void>;
  /** A change of an audited entity, recorded with the fields that differ between `before` and `after`. */
  auditChange(
    entity: { type: AuditedEntity; id: string; verb: ChangeVerb },
    before: object | null,
    after: object | null,
  ): Promise<void>;
  /** Writes a domain event to the outbox; the relay publishes it after commit. */
  emit<T extends DomainEventType>(event: TenantEvent<T>): Promise<string>;
}

/**
 * `run(actor, async (tx) => …)`: the way a service does tenant work. Built on TenantTransactions.run
 * (the low-level primitive, same transaction-local set_config); the actor is a request's Tenant, which the
 * auth guard resolved, or a job's systemActor, whose organisation comes from a row.
 */
@Injectable()
export class TenantUnitOfWork {
  constructor(
    private readonly transactions: TenantTransactions,
    private readonly auditLog: AuditService,
    private readonly outbox: OutboxWriter,
  ) {}

  run<T>(
    actor: AuditActor,
    work: (tx: TenantTransaction) => Promise<T>,
    meta: RequestMeta = NO_REQUEST,
  ): Promise<T> {
    const organizationId: OrganizationId = trustedOrganizationId(actor.organizationId);
    return this.transactions.run({ organizationId, userId: actor.userId }, (manager) => {
      const tx: TenantTransaction = {
        manager,
        organizationId,
        actor,
        meta,
        audit: (action, target, details) =>
          this.auditLog.record(
            {
              action,
              organizationId,
              actorUserId: actor.userId,
              actorClientId: actor.clientId ?? null,
              entityType: target?.type,
              entityId: target?.id,
              details,
            },
            meta,
            manager,
          ),
        auditChange: (entity, before, after) =>
          this.auditLog.recordChange(manager, actor, meta, entity, before, after),
        emit: (event) => this.outbox.write(manager, { ...event, organizationId }),
      };
      return work(tx);
    });
  }
}
