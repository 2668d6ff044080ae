import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue #17: a listing chooses its portals, portals say how they refused, and each delivery intent
 * has an id of its own.
 * - `listings.portal_selection`: the portals a manager chose (NULL = the default: the organisation's
 *   enabled portals whose market fits the listing); `portal_overrides`: per-portal fields the
 *   portals need and we do not model (validated per portal by the API).
 * - `listing_syndications.intent_id`: new for every planned change of the row, kept by its retries
 *   (Standard Webhooks `webhook-id` is derived from it); `last_portal_status` / `last_portal_message`:
 *   the portal's own code and one short status line beside our reason code (`last_error_code`).
 * - `portal_targets.credentials_rejected_at`: the portal refused the credentials; jobs stop calling
 *   it until the manager saves new ones.
 * No new tables: the existing RLS policies and table grants cover the new columns.
 */
export class SyndicationPortalChoice1795430000000 implements MigrationInterface {
  name = 'SyndicationPortalChoice1795430000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE listings ADD COLUMN portal_selection syndication_portal[]`);
    await q.query(`ALTER TABLE listings ADD COLUMN portal_overrides jsonb NOT NULL DEFAULT '{}'`);
    await q.query(
      `ALTER TABLE listing_syndications ADD COLUMN intent_id uuid NOT NULL DEFAULT gen_random_uuid()`,
    );
    await q.query(`ALTER TABLE listing_syndications ADD COLUMN last_portal_status varchar(20)`);
    await q.query(`ALTER TABLE listing_syndications ADD COLUMN last_portal_message varchar(200)`);
    await q.query(`ALTER TABLE portal_targets ADD COLUMN credentials_rejected_at timestamptz`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE portal_targets DROP COLUMN credentials_rejected_at`);
    await q.query(`ALTER TABLE listing_syndications DROP COLUMN last_portal_message`);
    await q.query(`ALTER TABLE listing_syndications DROP COLUMN last_portal_status`);
    await q.query(`ALTER TABLE listing_syndications DROP COLUMN intent_id`);
    await q.query(`ALTER TABLE listings DROP COLUMN portal_overrides`);
    await q.query(`ALTER TABLE listings DROP COLUMN portal_selection`);
  }
}
