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
   * no tenant is set; policies that allow it check `app.platform_scope`.
   */
  runPlatform<T>(scope: PlatformScope, work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(async (manager) => {
      await manager.query(`SELECT set_config('app.platform_scope', $1, true)`, [scope]);
      return work(manager);
    });
  }
}

/** Every cross-organisation job, by name (RLS policies name the one they admit). */
export type PlatformScope =
  | 'outbox-relay'
  | 'lease-lifecycle'
  | 'person-invitation-accept'
  | 'organization-invitation-invitee'
  | 'inquiry-delivery'
  | 'document-storage-cleanup'
  | 'listing-photos'
  | 'finance-overdue'
  | 'votes-close-due'
  | 'announcements-publish-due'
  | 'portal-webhook'
  | 'syndication-reconcile'
  | 'webhook-receipts-expire'
  | 'platform-audit'
  | 'secrets-reseal';
