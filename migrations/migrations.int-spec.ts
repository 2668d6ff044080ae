import { randomUUID } from 'node:crypto';
import { PM_ENTITIES } from '@ppt/api-db';
import { buildDataSourceOptions } from '@ppt/db';
import { PORTAL_ENTITIES } from '@ppt/portal-db';
import { createEmptyDatabase, createTestDatabase, type TestDatabase } from '@ppt/testing';
import { DataSource } from 'typeorm';
import { migrationDataSource } from './data-source';
import { OrganizationInvitations1795369000000 } from './1795369000000-organization-invitations';
import { OutboxOrderingAndRetention1795420000000 } from './1795420000000-outbox-ordering-and-retention';
import { MIGRATIONS } from './migration-list';

const ALL_TABLES = [
  'alert_instances',
  'alert_rules',
  'announcement_comments',
  'announcement_receipts',
  'announcement_recipients',
  'announcements',
  'assistant_conversations',
  'assistant_drafts',
  'assistant_messages',
  'assistant_settings',
  'assistant_usage',
  'audit_log',
  'buildings',
  'charges',
  'consumed_events',
  'conversation_messages',
  'conversation_participants',
  'conversations',
  'document_chunks',
  'documents',
  'email_tokens',
  'expenses',
  'fault_comments',
  'fault_status_changes',
  'faults',
  'health_samples',
  'idempotency_keys',
  'inspection_items',
  'inspections',
  'lease_addenda',
  'lease_co_tenants',
  'lease_ending_notices',
  'lease_lifecycle_runs',
  'leases',
  'listing_inquiries',
  'listing_inquiry_replies',
  'listing_portal_stats',
  'listing_status_changes',
  'listing_syndications',
  'listings',
  'memberships',
  'meter_readings',
  'meters',
  'notification_deliveries',
  'notification_preferences',
  'notification_settings',
  'notifications',
  'oauth_clients',
  'organization_invitations',
  'organizations',
  'outbox',
  'payments',
  'people',
  'person_invitations',
  'portal_targets',
  'portal_webhook_receipts',
  'push_subscriptions',
  'reading_periods',
  'refresh_tokens',
  'sessions',
  'syndication_transitions',
  'unit_occupants',
  'units',
  'upload_chunks',
  'upload_sessions',
  'users',
  'vendors',
  'vote_ballots',
  'vote_delegations',
  'vote_eligible_units',
  'vote_options',
  'vote_participations',
  'vote_questions',
  'votes',
];

/** The Reality Portal's schema (its read model and visitor data). */
const PORTAL_TABLES = ['favorites', 'inquiries', 'inquiry_replies', 'listings', 'saved_searches'];

async function tables(ds: DataSource, schema = 'public'): Promise<string[]> {
  const rows = (await ds.query(
    `SELECT table_name FROM information_schema.tables WHERE table_schema = $1 AND table_type = 'BASE TABLE'
      AND table_name <> 'typeorm_migrations' ORDER BY 1`,
    [schema],
  )) as { table_name: string }[];
  return rows.map((r) => r.table_name);
}

describe('migrations', () => {
  describe('on an empty database', () => {
    let db: TestDatabase;
    let ds: DataSource;
    beforeAll(async () => {
      db = await createEmptyDatabase();
      ds = await migrationDataSource(db.ownerUrl).initialize();
    });
    afterAll(async () => {
      await ds.destroy();
      await db.drop();
    });

    it('run up, all the way down, and up again', async () => {
      expect(await ds.runMigrations()).toHaveLength(MIGRATIONS.length);
      expect(await tables(ds)).toEqual(ALL_TABLES);
      expect(await tables(ds, 'portal')).toEqual(PORTAL_TABLES);

      for (let i = 0; i < MIGRATIONS.length; i++) await ds.undoLastMigration();
      expect(await tables(ds)).toEqual([]);
      expect(await tables(ds, 'portal')).toEqual([]);

      expect(await ds.runMigrations()).toHaveLength(MIGRATIONS.length);
      expect(await tables(ds)).toEqual(ALL_TABLES);
    });
  });

  describe('on a migrated database', () => {
    let db: TestDatabase;
    let ds: DataSource;
    beforeAll(async () => {
      db = await createTestDatabase();
      ds = await new DataSource(
        buildDataSourceOptions(
          { url: db.ownerUrl, applicationName: 'schema-check' },
          { entities: [...PM_ENTITIES, ...PORTAL_ENTITIES] },
        ),
      ).initialize();
    });
    afterAll(async () => {
      await ds.destroy();
      await db.drop();
    });

    it('matches the entities exactly (what migration:generate would write is empty)', async () => {
      const pending = await ds.driver.createSchemaBuilder().log();
      expect(pending.upQueries.map((q) => q.query)).toEqual([]);
    });

    it('grants the application role what it needs, keeps the audit log append-only and organisations undeletable', async () => {
      const rows = (await ds.query(
        `SELECT t.table_name AS name,
                has_table_privilege('ppt_app', format('public.%I', t.table_name), 'SELECT') AS can_select,
                has_table_privilege('ppt_app', format('public.%I', t.table_name), 'INSERT') AS can_insert,
                has_table_privilege('ppt_app', format('public.%I', t.table_name), 'UPDATE') AS can_update,
                has_table_privilege('ppt_app', format('public.%I', t.table_name), 'DELETE') AS can_delete
           FROM information_schema.tables t
          WHERE t.table_schema = 'public' AND t.table_name <> 'typeorm_migrations'`,
      )) as {
        name: string;
        can_select: boolean;
        can_insert: boolean;
        can_update: boolean;
        can_delete: boolean;
      }[];
      expect(rows.map((r) => r.name).sort()).toEqual(ALL_TABLES);
      for (const row of rows) {
        // Payments are undone by reversing entries, never changed or deleted.
        const appendOnly = ['audit_log', 'vote_ballots', 'payments'].includes(row.name);
        // Deleting an organisation is an operator's job (as the owner), never the application's.
        const neverDeleted = appendOnly || row.name === 'organizations';
        // The health history and alert instances are written by the platform jobs' role; api-server only reads them.
        const readOnly = row.name === 'health_samples' || row.name === 'alert_instances';
        expect({ ...row, name: row.name }).toEqual({
          name: row.name,
          can_select: true,
          can_insert: !readOnly,
          can_update: !appendOnly && !readOnly,
          can_delete: !neverDeleted && !readOnly,
        });
      }
      const [jobs] = (await ds.query(
        `SELECT has_table_privilege('ppt_jobs', 'public.health_samples', 'INSERT') AS can_insert,
                has_table_privilege('ppt_jobs', 'public.health_samples', 'DELETE') AS can_delete,
                has_table_privilege('ppt_jobs', 'public.health_samples', 'UPDATE') AS can_update,
                has_table_privilege('ppt_portal_app', 'public.health_samples', 'SELECT') AS portal_can_select`,
      )) as Record<string, boolean>[];
      expect(jobs).toEqual({
        can_insert: true,
        can_delete: true,
        can_update: false,
        portal_can_select: false,
      });
    });

    it('keeps e-mail addresses unique regardless of case', async () => {
      await ds.query(`INSERT INTO users (email, display_name) VALUES ('Ann@Example.com', 'Ann')`);
      await expect(
        ds.query(`INSERT INTO users (email, display_name) VALUES ('ann@example.COM', 'Ann 2')`),
      ).rejects.toThrow(/uq_users_email_lower/);
    });
  });

  describe('organization invitations (1795369000000)', () => {
    let db: TestDatabase;
    let ds: DataSource;
    /** Reverts that migration and every later one, so its `up` and `down` run on the data below. */
    const undoInvitationsMigration = async () => {
      const later = MIGRATIONS.length - MIGRATIONS.indexOf(OrganizationInvitations1795369000000);
      for (let i = 0; i < later; i++) await ds.undoLastMigration();
    };
    beforeAll(async () => {
      db = await createEmptyDatabase();
      ds = await migrationDataSource(db.ownerUrl).initialize();
      await ds.runMigrations();
      await undoInvitationsMigration();
    });
    afterAll(async () => {
      await ds.destroy();
      await db.drop();
    });

    it('turns members another member added to an unverified account into open invitations, and back on down', async () => {
      const [creator, added, verified, resident] = [
        'creator@example.com',
        'Added@Example.com',
        'verified@example.com',
        'resident@example.com',
      ];
      const users = (await ds.query(
        `INSERT INTO users (email, display_name, email_verified_at) VALUES
           ($1, 'Creator', NULL), ($2, 'Added', NULL), ($3, 'Verified', now()), ($4, 'Resident', NULL)
         RETURNING id, email`,
        [creator, added, verified, resident],
      )) as { id: string; email: string }[];
      const id = (email: string) => users.find((u) => u.email === email)?.id;
      const [{ id: org }] = (await ds.query(
        `INSERT INTO organizations (name, slug) VALUES ('Org', 'org-migr') RETURNING id`,
      )) as { id: string }[];
      const memberships = (await ds.query(
        `INSERT INTO memberships (organization_id, user_id, role) VALUES
           ($1, $2, 'org_admin'), ($1, $3, 'manager'), ($1, $4, 'manager'), ($1, $5, 'tenant')
         RETURNING id, user_id`,
        [org, id(creator), id(added), id(verified), id(resident)],
      )) as { id: string; user_id: string }[];
      const membershipOf = (email: string) => memberships.find((m) => m.user_id === id(email))?.id;
      await ds.query(
        `INSERT INTO audit_log (organization_id, actor_user_id, action, entity_type, entity_id) VALUES
           ($1, $2, 'organization.created', 'organization', $6),
           ($1, $2, 'membership.added', 'membership', $3),
           ($1, $2, 'membership.invited', 'membership', $4),
           ($1, $5, 'person.account_linked', 'person', gen_random_uuid()::text)`,
        [org, id(creator), membershipOf(added), membershipOf(verified), id(resident), org],
      );

      await ds.runMigrations();
      const left = (await ds.query(`SELECT user_id FROM memberships ORDER BY user_id`)) as {
        user_id: string;
      }[];
      expect(left.map((m) => m.user_id).sort()).toEqual([id(creator), id(verified), id(resident)].sort());
      const invitations = (await ds.query(
        `SELECT organization_id, email, role, invited_by_user_id, token_hash,
                accepted_at, revoked_at, declined_at, expires_at > now() + interval '6 days' AS fresh
           FROM organization_invitations`,
      )) as Record<string, unknown>[];
      expect(invitations).toEqual([
        {
          organization_id: org,
          email: added,
          role: 'manager',
          invited_by_user_id: id(creator),
          token_hash: expect.stringMatching(/^[0-9a-f]{64}$/),
          accepted_at: null,
          revoked_at: null,
          declined_at: null,
          fresh: true,
        },
      ]);
      const converted = (await ds.query(
        `SELECT details FROM audit_log WHERE action = 'membership.converted_to_invitation'`,
      )) as { details: Record<string, string> }[];
      expect(converted).toEqual([
        { details: { membershipId: membershipOf(added), userId: id(added), role: 'manager' } },
      ]);

      await undoInvitationsMigration();
      const restored = (await ds.query(`SELECT id, role FROM memberships WHERE user_id = $1`, [
        id(added),
      ])) as {
        id: string;
        role: string;
      }[];
      expect(restored).toEqual([{ id: membershipOf(added), role: 'manager' }]);
      await ds.runMigrations();
    });
  });

  describe('outbox ordering (1795420000000) on a database that already has events', () => {
    let db: TestDatabase;
    let ds: DataSource;
    beforeAll(async () => {
      db = await createEmptyDatabase();
      ds = await migrationDataSource(db.ownerUrl).initialize();
      await ds.runMigrations();
      const later = MIGRATIONS.length - MIGRATIONS.indexOf(OutboxOrderingAndRetention1795420000000);
      for (let i = 0; i < later; i++) await ds.undoLastMigration();
    });
    afterAll(async () => {
      await ds.destroy();
      await db.drop();
    });

    /**
     * Runs SQL as one organisation. A non-superuser owner (production) is subject to the tables' forced
     * row-level security, which the migration lifts for its backfill; the tests' owner is a superuser.
     */
    const asOrganization = <T>(org: string, sql: string, params: unknown[] = []) =>
      ds.transaction(async (m) => {
        await m.query(`SELECT set_config('app.current_org', $1, true)`, [org]);
        return (await m.query(sql, params)) as T;
      });

    it("numbers every organisation's existing events per aggregate, in creation order", async () => {
      const [a, b, aggregate, other] = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
      const events: [string, string, string, string][] = [];
      for (const [org, agg, minutesAgo] of [
        [a, aggregate, 3],
        [a, aggregate, 2],
        [a, other, 1],
        [b, randomUUID(), 1],
      ] as const) {
        const id = randomUUID();
        events.push([id, org, agg, String(minutesAgo)]);
        if (!events.slice(0, -1).some(([, o]) => o === org)) {
          await asOrganization(org, `INSERT INTO organizations (id, name, slug) VALUES ($1, 'Org', $2)`, [
            org,
            `org-${org}`,
          ]);
        }
        await asOrganization(
          org,
          `INSERT INTO outbox (id, organization_id, type, aggregate_type, aggregate_id, aggregate_version, payload, created_at)
           VALUES ($1, $2, 'listing.updated', 'listing', $3, 1, '{}', now() - make_interval(mins => $4))`,
          [id, org, agg, minutesAgo],
        );
      }
      await ds.runMigrations();
      const numbered = async (org: string) =>
        (
          await asOrganization<{ id: string; aggregate_sequence: number }[]>(
            org,
            `SELECT id, aggregate_sequence FROM outbox WHERE id = ANY($1) AND organization_id = $2 ORDER BY created_at`,
            [events.map(([id]) => id), org],
          )
        ).map((r) => [r.id, r.aggregate_sequence]);
      expect(await numbered(a)).toEqual([
        [events[0][0], 1],
        [events[1][0], 2],
        [events[2][0], 1],
      ]);
      expect(await numbered(b)).toEqual([[events[3][0], 1]]);
      // And the table is back under forced row-level security for its owner.
      const [{ forced }] = (await ds.query(
        `SELECT relforcerowsecurity AS forced FROM pg_class WHERE relname = 'outbox'`,
      )) as { forced: boolean }[];
      expect(forced).toBe(true);
    });
  });
});
