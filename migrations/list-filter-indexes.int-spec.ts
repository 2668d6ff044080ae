import { createTestDatabase, type TestDatabase } from '@ppt/testing';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';

/**
 * Each filter of each list endpoint, with the index that serves it: the index definition (as
 * pg_indexes prints it) must match. `ORG` marks filters on a small enum or a flag: a B-tree on them
 * would not be chosen over the organisation's rows, so they are served by an index starting with
 * organization_id (every tenant list filters by it first).
 */
const ORG = /USING btree \(organization_id[,)]/;
const btree = (...columns: string[]) => new RegExp(`USING btree \\(${columns.join(', ')}[,)]`);
const trigram = (expression: string) =>
  new RegExp(`USING gin \\(${expression.replace(/[()|]/g, (c) => `\\${c}`)} gin_trgm_ops\\)`);

const FILTERS: [list: string, table: string, index: RegExp][] = [
  ['GET /announcements?status', 'announcements', btree('organization_id', 'status')],
  ['GET /announcements?pinned&urgent', 'announcements', ORG],
  ['GET /announcements?q (title)', 'announcements', trigram('title')],
  ['GET /announcements?q (body)', 'announcements', trigram('body')],
  ['GET /audit-logs?entityType&entityId', 'audit_log', btree('organization_id', 'entity_type', 'entity_id')],
  ['GET /audit-logs?actorId', 'audit_log', btree('actor_user_id', 'created_at')],
  ['GET /audit-logs?from&to', 'audit_log', btree('organization_id', 'created_at')],
  [
    'GET /platform/audit-logs?action',
    'audit_log',
    /USING btree \(action, created_at\) WHERE \(organization_id IS NULL\)/,
  ],
  ['GET /buildings?city', 'buildings', /USING btree \(organization_id, lower\(\(city\)::text\)\)/],
  ['GET /buildings?type', 'buildings', ORG],
  ['GET /buildings?q (name)', 'buildings', trigram('name')],
  ['GET /buildings?q (addressLine)', 'buildings', trigram('address_line')],
  ['GET /buildings?q (city)', 'buildings', trigram('city')],
  ['GET /units?buildingId', 'units', btree('organization_id', 'building_id')],
  ['GET /units?status', 'units', btree('organization_id', 'status')],
  ['GET /units?type', 'units', ORG],
  ['GET /units?q', 'units', trigram('number')],
  [
    'GET /people?q (full name)',
    'people',
    trigram("((((first_name)::text || ' '::text) || (last_name)::text))"),
  ],
  ['GET /people?q (email)', 'people', trigram('email')],
  ['GET /people?q (phone)', 'people', trigram('phone')],
  ['GET /leases?status, ?expiringWithinDays', 'leases', btree('organization_id', 'status', 'end_date')],
  ['GET /leases?unitId', 'leases', btree('organization_id', 'unit_id')],
  ['GET /leases?personId (primary tenant)', 'leases', btree('organization_id', 'primary_tenant_id')],
  ['GET /leases?personId (co-tenant)', 'lease_co_tenants', btree('organization_id', 'person_id')],
  ['GET /leases?q', 'leases', trigram('lease_number')],
  ['GET /faults?status, ?overdue', 'faults', btree('organization_id', 'status', 'due_at')],
  ['GET /faults?priority', 'faults', ORG],
  ['GET /faults?buildingId', 'faults', btree('organization_id', 'building_id')],
  ['GET /faults?unitId', 'faults', btree('organization_id', 'unit_id')],
  ['GET /faults?assigneeUserId', 'faults', btree('organization_id', 'assignee_user_id')],
  ['GET /faults (a resident: reported by me)', 'faults', btree('organization_id', 'reporter_user_id')],
  ['GET /faults?q (title)', 'faults', trigram('title')],
  ['GET /faults?q (description)', 'faults', trigram('description')],
  ['GET /faults/:id/comments', 'fault_comments', btree('organization_id', 'fault_id', 'created_at')],
  ['GET /vendors?q (name)', 'vendors', trigram('name')],
  ['GET /vendors?q (trade)', 'vendors', trigram('trade')],
  ['GET /meters?unitId', 'meters', btree('organization_id', 'unit_id')],
  ['GET /meters?type', 'meters', ORG],
  ['GET /meters/:id/readings', 'meter_readings', btree('organization_id', 'meter_id', 'read_on')],
  ['GET /reading-periods', 'reading_periods', btree('organization_id', 'deadline')],
  ['GET /inspections?buildingId', 'inspections', btree('organization_id', 'building_id')],
  ['GET /inspections?unitId', 'inspections', btree('organization_id', 'unit_id')],
  ['GET /documents?category&signed', 'documents', ORG],
  ['GET /documents?buildingId', 'documents', btree('organization_id', 'building_id')],
  ['GET /documents?unitId', 'documents', btree('organization_id', 'unit_id')],
  ['GET /documents?leaseId', 'documents', btree('organization_id', 'lease_id')],
  ['GET /documents?faultId', 'documents', btree('organization_id', 'fault_id')],
  ['GET /documents?q', 'documents', trigram('title')],
  ['GET /listings?status', 'listings', btree('organization_id', 'status')],
  ['GET /listings?transaction', 'listings', ORG],
  ['GET /listings?unitId', 'listings', btree('organization_id', 'unit_id')],
  ['GET /listings?contactUserId', 'listings', btree('organization_id', 'contact_user_id')],
  ['GET /listings?q (title)', 'listings', trigram('title')],
  ['GET /listings?q (city)', 'listings', trigram('city')],
  ['GET /syndication/status?listingId', 'listing_syndications', btree('organization_id', 'listing_id')],
  ['GET /syndication/status?status', 'listing_syndications', btree('organization_id', 'status')],
  ['GET /syndication/status?portal', 'listing_syndications', ORG],
  ['GET /votes?status', 'votes', btree('organization_id', 'status')],
  ['GET /votes?kind', 'votes', ORG],
  ['GET /votes?q', 'votes', trigram('title')],
  ['GET /charges?status', 'charges', btree('organization_id', 'status')],
  ['GET /charges?kind', 'charges', ORG],
  ['GET /charges?unitId', 'charges', btree('organization_id', 'unit_id')],
  ['GET /charges?personId', 'charges', btree('organization_id', 'person_id')],
  ['GET /charges?leaseId', 'charges', btree('organization_id', 'lease_id')],
  ['GET /charges?dueFrom&dueTo', 'charges', btree('organization_id', 'due_date')],
  ['GET /charges?buildingId (its units)', 'units', btree('organization_id', 'building_id')],
  ['GET /charges/:id/payments', 'payments', btree('organization_id', 'charge_id')],
  ['GET /expenses?buildingId', 'expenses', btree('organization_id', 'building_id')],
  ['GET /expenses?vendorId', 'expenses', btree('organization_id', 'vendor_id')],
  ['GET /expenses?from&to', 'expenses', btree('organization_id', 'incurred_on')],
  ['GET /expenses?category', 'expenses', ORG],
];

describe('list filters are backed by indexes (catalog and plans)', () => {
  let db: TestDatabase;
  let owner: Client;

  beforeAll(async () => {
    db = await createTestDatabase();
    owner = new Client({ connectionString: db.ownerUrl });
    await owner.connect();
  });
  afterAll(async () => {
    await owner.end();
    await db.drop();
  });

  it.each(FILTERS)('%s (table %s) has an index matching %s', async (_list, table, index) => {
    const { rows } = (await owner.query(
      `SELECT indexdef FROM pg_indexes WHERE schemaname = 'public' AND tablename = $1`,
      [table],
    )) as { rows: { indexdef: string }[] };
    const definitions = rows.map((r) => r.indexdef);
    expect(definitions.filter((d) => index.test(d))).not.toEqual([]);
  });

  /**
   * The catalog says an index exists; the planner says the query's operator can use it. Sequential
   * scans are switched off so that the choice does not depend on how many rows a test inserts: a
   * query no index can serve still gets a sequential scan (and fails here).
   */
  const plan = async (sql: string, params: unknown[]): Promise<string> => {
    await owner.query('BEGIN');
    try {
      await owner.query('SET LOCAL enable_seqscan = off');
      const { rows } = (await owner.query(`EXPLAIN ${sql}`, params)) as { rows: { 'QUERY PLAN': string }[] };
      return rows.map((r) => r['QUERY PLAN']).join('\n');
    } finally {
      await owner.query('ROLLBACK');
    }
  };

  it('plans q searches (ILIKE %term%) through the trigram indexes', async () => {
    for (const [table, column, index] of [
      ['faults', 'description', 'ix_faults_description_trgm'],
      ['vendors', 'trade', 'ix_vendors_trade_trgm'],
      ['leases', 'lease_number', 'ix_leases_lease_number_trgm'],
    ]) {
      expect(await plan(`SELECT id FROM ${table} WHERE ${column} ILIKE $1`, ['%leak%'])).toContain(index);
    }
    expect(
      await plan(`SELECT id FROM people WHERE first_name || ' ' || last_name ILIKE $1`, ['%nováková%']),
    ).toContain('ix_people_full_name_trgm');
    expect(await plan(`SELECT id FROM buildings WHERE lower(city) = lower($1)`, ['Praha'])).toContain(
      'ix_buildings_org_city_lower',
    );
  });

  it('plans the audit log by entity and faults by unit and assignee through their own indexes', async () => {
    // Faults spread over 40 units and 8 assignees, analysed: the planner has real statistics to
    // choose between the unit and the assignee index (on empty tables the two cost the same).
    const org = randomUUID();
    await owner.query(`INSERT INTO organizations (id, name, slug) VALUES ($1, 'Plans', $2)`, [
      org,
      `plans-${org}`,
    ]);
    const {
      rows: [building],
    } = await owner.query(
      `INSERT INTO buildings (organization_id, name, address_line, city, postal_code, country)
       VALUES ($1, 'Plans', 'Plans 1', 'Praha', '110 00', 'CZ') RETURNING id`,
      [org],
    );
    const { rows: units } = await owner.query(
      `INSERT INTO units (organization_id, building_id, number)
       SELECT $1, $2, 'U' || n FROM generate_series(1, 40) n RETURNING id`,
      [org, building.id],
    );
    const { rows: users } = await owner.query(
      `INSERT INTO users (email, display_name)
       SELECT 'plans-' || n || '-' || $1 || '@example.com', 'Staff ' || n FROM generate_series(1, 8) n RETURNING id`,
      [org],
    );
    await owner.query(
      `INSERT INTO faults (organization_id, building_id, unit_id, reporter_user_id, assignee_user_id, title, description, due_at)
       SELECT $1, $2, ($3::uuid[])[1 + n % 40], ($4::uuid[])[1], ($4::uuid[])[1 + n % 8], 'Fault ' || n, 'Leaking pipe ' || n, now()
         FROM generate_series(1, 2000) n`,
      [org, building.id, units.map((u) => u.id), users.map((u) => u.id)],
    );
    await owner.query(
      `INSERT INTO audit_log (organization_id, action, entity_type, entity_id)
       SELECT $1, 'fault.updated', 'fault', ($2::uuid[])[1 + n % 40]::text FROM generate_series(1, 2000) n`,
      [org, units.map((u) => u.id)],
    );
    await owner.query('ANALYZE faults');
    await owner.query('ANALYZE audit_log');

    expect(
      await plan(
        `SELECT id FROM audit_log WHERE organization_id = $1 AND entity_type = 'fault' AND entity_id = $2
          ORDER BY created_at DESC LIMIT 20`,
        [org, units[0].id],
      ),
    ).toContain('ix_audit_log_org_entity');
    expect(
      await plan(`SELECT id FROM faults WHERE organization_id = $1 AND unit_id = $2`, [org, units[0].id]),
    ).toContain('ix_faults_org_unit');
    expect(
      await plan(`SELECT id FROM faults WHERE organization_id = $1 AND assignee_user_id = $2`, [
        org,
        users[0].id,
      ]),
    ).toContain('ix_faults_org_assignee');
  });
});
