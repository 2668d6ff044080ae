import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A push subscription belongs to a membership: when a member is removed from (or leaves) the
 * organisation, their devices in it stop receiving its notifications. The composite foreign key on
 * (organization_id, user_id) → memberships deletes them with the membership (referential actions
 * run as the table owner and bypass row-level security, so the removing member's transaction needs
 * no grant on the other user's rows). Subscriptions left over from members removed before this
 * migration go first.
 */
export class PushSubscriptionsOfMembers1795620000000 implements MigrationInterface {
  name = 'PushSubscriptionsOfMembers1795620000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      DELETE FROM push_subscriptions s
       WHERE NOT EXISTS (SELECT 1 FROM memberships ms
                          WHERE ms.organization_id = s.organization_id AND ms.user_id = s.user_id)`);
    await q.query(`
      ALTER TABLE push_subscriptions ADD CONSTRAINT fk_push_subscriptions_membership
        FOREIGN KEY (organization_id, user_id) REFERENCES memberships (organization_id, user_id) ON DELETE CASCADE`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE push_subscriptions DROP CONSTRAINT fk_push_subscriptions_membership`);
  }
}
