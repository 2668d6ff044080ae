import type { MigrationInterface, QueryRunner } from 'typeorm';

/** B-tree indexes for list filters that had none: [name, table, definition]. */
const FILTER_INDEXES: [name: string, table: string, definition: string][] = [
  // GET /audit-logs?entityType=&entityId= (newest first)
  ['ix_audit_log_org_entity', 'audit_log', '(organization_id, entity_type, entity_id, created_at)'],
  // GET /platform/audit-logs?action= (platform entries have no organisation)
  ['ix_audit_log_platform_action', 'audit_log', '(action, created_at) WHERE organization_id IS NULL'],
  ['ix_faults_org_unit', 'faults', '(organization_id, unit_id)'],
  ['ix_faults_org_assignee', 'faults', '(organization_id, assignee_user_id)'],
  // The filter compares lower(city); the plain (organization_id, city) index cannot serve it.
  ['ix_buildings_org_city_lower', 'buildings', '(organization_id, lower(city))'],
  ['ix_charges_org_due', 'charges', '(organization_id, due_date)'],
  ['ix_expenses_org_incurred', 'expenses', '(organization_id, incurred_on)'],
  ['ix_leases_org_primary_tenant', 'leases', '(organization_id, primary_tenant_id)'],
  ['ix_inspections_org_unit', 'inspections', '(organization_id, unit_id)'],
];

/** Trigram (GIN) indexes for `q` searches (ILIKE '%…%'), one per searched column or expression. */
const SEARCH_INDEXES: [name: string, table: string, expression: string][] = [
  ['ix_announcements_title_trgm', 'announcements', 'title'],
  ['ix_announcements_body_trgm', 'announcements', 'body'],
  ['ix_buildings_name_trgm', 'buildings', 'name'],
  ['ix_buildings_address_line_trgm', 'buildings', 'address_line'],
  ['ix_buildings_city_trgm', 'buildings', 'city'],
  ['ix_documents_title_trgm', 'documents', 'title'],
  ['ix_faults_title_trgm', 'faults', 'title'],
  ['ix_faults_description_trgm', 'faults', 'description'],
  ['ix_leases_lease_number_trgm', 'leases', 'lease_number'],
  ['ix_listings_title_trgm', 'listings', 'title'],
  ['ix_listings_city_trgm', 'listings', 'city'],
  ['ix_units_number_trgm', 'units', 'number'],
  ['ix_vendors_name_trgm', 'vendors', 'name'],
  ['ix_vendors_trade_trgm', 'vendors', 'trade'],
  ['ix_votes_title_trgm', 'votes', 'title'],
  // The people search matches the full name as one string (PeopleRepository.list).
  ['ix_people_full_name_trgm', 'people', "(first_name || ' ' || last_name)"],
  ['ix_people_email_trgm', 'people', 'email'],
  ['ix_people_phone_trgm', 'people', 'phone'],
];

/**
 * Every list filter is backed by an index (issue #16, item 8): audit entries by entity, faults by
 * unit and assignee, date ranges without a unit or building, and trigram indexes for the `q`
 * searches, which are `ILIKE '%term%'` and cannot use a B-tree. Filters on a small enum (status,
 * kind, category, priority, type, flags) are served by the organisation's index or a composite that
 * starts with it (see migrations/list-filter-indexes.int-spec.ts, which checks each filter).
 */
export class ListFilterIndexes1795422000000 implements MigrationInterface {
  name = 'ListFilterIndexes1795422000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE EXTENSION IF NOT EXISTS pg_trgm`);
    for (const [name, table, definition] of FILTER_INDEXES) {
      const [columns, where] = definition.split(' WHERE ');
      await q.query(`CREATE INDEX ${name} ON ${table} ${columns}${where ? ` WHERE ${where}` : ''}`);
    }
    for (const [name, table, expression] of SEARCH_INDEXES) {
      await q.query(`CREATE INDEX ${name} ON ${table} USING gin (${expression} gin_trgm_ops)`);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    for (const [name] of [...SEARCH_INDEXES, ...FILTER_INDEXES].reverse()) {
      await q.query(`DROP INDEX ${name}`);
    }
    // pg_trgm stays: other databases' objects may use it, and dropping an extension is an operator's call.
  }
}
