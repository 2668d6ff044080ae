import { AsyncLocalStorage } from 'node:async_hooks';
import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';

export interface TenantScope {
  /** The organisation the work acts in: RLS lets it see and write only this organisation's rows. */
  organizationId?: string | null;
  /** The signed-in user: RLS also lets it see its own memberships (and their organisations). */
  userId?: string | null;
}

/**
 * Runs work in one transaction with the tenant scope set transaction-locally
 * (set_config(…, true)), so a pooled connection never carries one request's scope into the next and
 * a failed request leaves nothing half-written. With no scope, RLS shows no tenant rows at all.
 */
@Injectable()
export class TenantTransactions {
  constructor(private readonly dataSource: DataSource) {}

  run<T>(scope: TenantScope, work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(async (manager) => {
      await manager.query(
        `SELECT set_config('app.current_org', $1, true), set_config('app.current_user', $2, true)`,
        [scope.organizationId ?? '', scope.userId ?? ''],
      );
      return work(manager);
    });
  }

  /**
   * The explicit, separate path for platform work that must cross organisations (the outbox relay):
   * no tenant is set; policies that allow it check `app.platform_scope`. A worker-only scope also
   * switches the transaction to the platform jobs' role, the only role its policies admit: it fails
   * ("permission denied to set role") in a process whose login role is not a member (HTTP pods).
   */
  runPlatform<T>(scope: PlatformScope, work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(async (manager) => {
      if (isJobScope(scope)) await manager.query(`SET LOCAL ROLE ${PLATFORM_JOBS_ROLE}`);
      await manager.query(`SELECT set_config('app.platform_scope', $1, true)`, [scope]);
      return work(manager);
    });
  }

  /**
   * Platform work of a scheduled job: the scope is the one its `@Scheduled({ scope })` names, applied
   * by the worker's collector around the handler (`runInJobScope`), never chosen by the handler. Runs
   * as PLATFORM_JOBS_ROLE; outside a scheduled handler it fails.
   */
  runPlatformJob<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    const scope = jobScope.getStore();
    if (!scope)
      return Promise.reject(
        new Error('runPlatformJob outside a scheduled job (no @Scheduled scope applied)'),
      );
    return this.dataSource.transaction(async (manager) => {
      await manager.query(`SET LOCAL ROLE ${PLATFORM_JOBS_ROLE}`);
      await manager.query(`SELECT set_config('app.platform_scope', $1, true)`, [scope]);
      return work(manager);
    });
  }
}

const jobScope = new AsyncLocalStorage<string>();

/** Runs `work` with `scope` as the platform scope of its runPlatformJob calls (the schedule collector's side). */
export function runInJobScope<T>(scope: string, work: () => T): T {
  return jobScope.run(scope, work);
}

/** The database role of the platform jobs (worker only; see migration PlatformJobsRole1795390000000). */
export const PLATFORM_JOBS_ROLE = 'ppt_jobs';

/** Cross-organisation scopes of scheduled and relay work: only the worker runs them, as PLATFORM_JOBS_ROLE. */
export const JOB_SCOPES = [
  'outbox-relay',
  'lease-lifecycle',
  'document-storage-cleanup',
  'finance-overdue',
  'votes-close-due',
  'announcements-publish-due',
  'syndication-reconcile',
  'webhook-receipts-expire',
  'notification-reminders',
  'idempotency-keys-expire',
  'health-history',
  'alert-rules-evaluate',
  'document-search-backfill',
] as const;

export type JobScope = (typeof JOB_SCOPES)[number];

/** Cross-organisation lookups on request paths and operator commands, each behind a narrow policy. */
export type RequestPlatformScope =
  | 'person-invitation-accept'
  | 'organization-invitation-invitee'
  | 'inquiry-delivery'
  | 'listing-photos'
  | 'portal-webhook'
  | 'platform-audit'
  | 'platform-health'
  | 'secrets-reseal'
  | 'platform-alerts';

/** Every cross-organisation scope, by name (RLS policies name the one they admit). */
export type PlatformScope = JobScope | RequestPlatformScope;

function isJobScope(scope: PlatformScope): scope is JobScope {
  return (JOB_SCOPES as readonly string[]).includes(scope);
}
