import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Leases hold their unit until they end (issue #16, item 1).
 *
 * The no-overlap rule covered active leases only, so terminating a lease with a future end date let
 * the unit be let again for days the terminated lease still held. Now every lease but a draft holds
 * its unit from start to end date (terminated: until the termination takes effect; expired: the days
 * it ran). Existing leases that break the wider rule are listed and the migration stops: which of two
 * overlapping lettings is right is a manager's decision, not a migration's.
 *
 * Lease-ending announcements are recorded in `lease_ending_notices` (lease, threshold, end date)
 * instead of being looked up in old outbox rows (which are pruned), and `lease_lifecycle_runs` keeps
 * the day the daily pass last ran per organisation so a missed day is caught up. The pass finds the
 * organisations it has run for through the read-only 'lease-lifecycle' platform scope, which admits
 * only the jobs' role `ppt_jobs`.
 */
export class LeaseOccupancy1795401000000 implements MigrationInterface {
  name = 'LeaseOccupancy1795401000000';

  async up(q: QueryRunner): Promise<void> {
    // The owner is subject to FORCE ROW LEVEL SECURITY; lifted only inside this migration's transaction.
    await q.query(`ALTER TABLE leases NO FORCE ROW LEVEL SECURITY`);
    const conflicts = (await q.query(`
      SELECT a.organization_id, a.lease_number AS first, b.lease_number AS second
        FROM leases a JOIN leases b
          ON b.organization_id = a.organization_id AND b.unit_id = a.unit_id AND b.id > a.id
       WHERE a.status <> 'draft' AND b.status <> 'draft'
         AND daterange(a.start_date, a.end_date, '[]') && daterange(b.start_date, b.end_date, '[]')
       ORDER BY 1, 2, 3`)) as { organization_id: string; first: string; second: string }[];
    await q.query(`ALTER TABLE leases FORCE ROW LEVEL SECURITY`);
    if (conflicts.length > 0) {
      const pairs = conflicts.map((c) => `${c.organization_id}: ${c.first} / ${c.second}`).join('; ');
      throw new Error(
        `Leases that hold the same unit on the same days (shorten or delete one of each pair, then migrate again): ${pairs}`,
      );
    }
    await q.query(`ALTER TABLE leases DROP CONSTRAINT ex_leases_active_overlap`);
    await q.query(`
      ALTER TABLE leases ADD CONSTRAINT ex_leases_unit_held_overlap EXCLUDE USING gist (
        organization_id WITH =, unit_id WITH =, daterange(start_date, end_date, '[]') WITH &&
      ) WHERE (status <> 'draft')`);

    await q.query(`
      CREATE TABLE lease_ending_notices (
        organization_id uuid NOT NULL CONSTRAINT fk_lease_ending_notices_organization_id REFERENCES organizations (id) ON DELETE CASCADE,
        lease_id uuid NOT NULL,
        threshold_days smallint NOT NULL,
        end_date date NOT NULL,
        announced_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pk_lease_ending_notices PRIMARY KEY (organization_id, lease_id, threshold_days, end_date),
        CONSTRAINT fk_lease_ending_notices_lease_id_organization_id FOREIGN KEY (lease_id, organization_id)
          REFERENCES leases (id, organization_id) ON DELETE CASCADE
      )`);
    await q.query(`
      CREATE TABLE lease_lifecycle_runs (
        organization_id uuid NOT NULL CONSTRAINT fk_lease_lifecycle_runs_organization_id REFERENCES organizations (id) ON DELETE CASCADE,
        last_run_on date NOT NULL,
        CONSTRAINT pk_lease_lifecycle_runs PRIMARY KEY (organization_id)
      )`);
    for (const table of ['lease_ending_notices', 'lease_lifecycle_runs']) {
      await q.query(`ALTER TABLE ${table} ENABLE ROW LEVEL SECURITY`);
      await q.query(`ALTER TABLE ${table} FORCE ROW LEVEL SECURITY`);
      await q.query(`
        CREATE POLICY ${table}_isolation ON ${table}
          USING (organization_id = app_current_org()) WITH CHECK (organization_id = app_current_org())`);
      await q.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON ${table} TO ppt_app`);
    }
    // The pass's cross-organisation lookup runs as the jobs' role (see 1795390000000).
    await q.query(`GRANT SELECT ON lease_lifecycle_runs TO ppt_jobs`);
    await q.query(`
      CREATE POLICY lease_lifecycle_runs_lifecycle_read ON lease_lifecycle_runs FOR SELECT TO ppt_jobs
        USING (app_platform_scope() = 'lease-lifecycle')`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`REVOKE ALL ON lease_lifecycle_runs FROM ppt_jobs`);
    await q.query(`DROP TABLE lease_lifecycle_runs`);
    await q.query(`DROP TABLE lease_ending_notices`);
    await q.query(`ALTER TABLE leases DROP CONSTRAINT ex_leases_unit_held_overlap`);
    await q.query(`
      ALTER TABLE leases ADD CONSTRAINT ex_leases_active_overlap EXCLUDE USING gist (
        organization_id WITH =, unit_id WITH =, daterange(start_date, end_date, '[]') WITH &&
      ) WHERE (status = 'active')`);
  }
}
