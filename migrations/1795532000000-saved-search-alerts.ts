import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Saved-search alerts on the portal (issue #20, item 4): the visitor's choice (off, instant, daily)
 * and the watermark of listings already considered. The portal may now update saved searches (the
 * alert choice, the watermark, the one-click unsubscribe).
 */
export class SavedSearchAlerts1795532000000 implements MigrationInterface {
  name = 'SavedSearchAlerts1795532000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE portal.saved_searches
        ADD COLUMN alert varchar(10) NOT NULL DEFAULT 'off'
          CONSTRAINT ck_portal_saved_searches_alert CHECK (alert IN ('off', 'instant', 'daily')),
        ADD COLUMN alerted_until timestamptz`);
    await q.query(
      `CREATE INDEX ix_portal_saved_searches_alert ON portal.saved_searches (alert) WHERE alert <> 'off'`,
    );
    await q.query(`GRANT UPDATE ON portal.saved_searches TO ppt_portal_app`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`REVOKE UPDATE ON portal.saved_searches FROM ppt_portal_app`);
    await q.query(`DROP INDEX portal.ix_portal_saved_searches_alert`);
    await q.query(`ALTER TABLE portal.saved_searches DROP COLUMN alerted_until, DROP COLUMN alert`);
  }
}
