import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The hourly notification reminders (issue #20, item 3: a vote closing within 24 hours, a meter-reading
 * period opening, its deadline in 3 days) find what is due across organisations through the platform
 * scope 'notification-reminders', admitted for the jobs' role only (as PlatformJobsRole1795390000000);
 * the recipients are then read and told in each organisation's own transaction.
 */
export class NotificationReminders1795531000000 implements MigrationInterface {
  name = 'NotificationReminders1795531000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`GRANT SELECT ON reading_periods TO ppt_jobs`);
    await q.query(`
      CREATE POLICY votes_notification_reminders_read ON votes FOR SELECT TO ppt_jobs
        USING (app_platform_scope() = 'notification-reminders')`);
    await q.query(`
      CREATE POLICY reading_periods_notification_reminders_read ON reading_periods FOR SELECT TO ppt_jobs
        USING (app_platform_scope() = 'notification-reminders')`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP POLICY reading_periods_notification_reminders_read ON reading_periods`);
    await q.query(`DROP POLICY votes_notification_reminders_read ON votes`);
    await q.query(`REVOKE SELECT ON reading_periods FROM ppt_jobs`);
  }
}
