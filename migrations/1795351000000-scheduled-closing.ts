import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Scheduled closing and publishing. The every-minute jobs find open votes past their end and scheduled
 * announcements whose time has come across organisations, each through its own read-only platform
 * scope ('votes-close-due', 'announcements-publish-due'); closing and publishing then run per vote or
 * announcement in the organisation's tenant scope. Partial indexes keep the per-minute look-ups to the
 * few rows still waiting, however many closed votes and published announcements accumulate.
 */
export class ScheduledClosing1795351000000 implements MigrationInterface {
  name = 'ScheduledClosing1795351000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX ix_votes_open_end ON votes (end_at) WHERE status = 'open'`);
    await q.query(`
      CREATE POLICY votes_close_due_read ON votes FOR SELECT
        USING (app_platform_scope() = 'votes-close-due')`);
    await q.query(
      `CREATE INDEX ix_announcements_scheduled_publish ON announcements (publish_at) WHERE status = 'scheduled'`,
    );
    await q.query(`
      CREATE POLICY announcements_publish_due_read ON announcements FOR SELECT
        USING (app_platform_scope() = 'announcements-publish-due')`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP POLICY announcements_publish_due_read ON announcements`);
    await q.query(`DROP INDEX ix_announcements_scheduled_publish`);
    await q.query(`DROP POLICY votes_close_due_read ON votes`);
    await q.query(`DROP INDEX ix_votes_open_end`);
  }
}
