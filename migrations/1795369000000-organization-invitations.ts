import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Memberships bind to people only by proof: adding someone by e-mail becomes an invitation that the
 * owner of a verified, equal address accepts while signed in.
 *
 * The invitee finds their invitations (by token or by their verified address) before they belong to the
 * organisation, so one read-only policy admits the explicit platform scope 'organization-invitation-invitee';
 * accepting, declining and everything the admin does run in the organisation's tenant scope.
 *
 * Existing memberships that another member created for an account whose e-mail was never verified (an
 * audit_log row 'membership.added' or 'membership.invited' names the membership — the direct-add route
 * wrote exactly these; an organisation's creator has 'organization.created' instead, and resident
 * accounts linked themselves with a token) become open invitations with a random token hash nobody
 * knows: the membership is removed, the admin sees the invitation and re-invites to send a working link.
 * Each conversion is written to the audit log ('membership.converted_to_invitation'), which is also what
 * `down` uses to put the memberships back.
 */
export class OrganizationInvitations1795369000000 implements MigrationInterface {
  name = 'OrganizationInvitations1795369000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE organization_invitations (
        id uuid NOT NULL DEFAULT gen_random_uuid() CONSTRAINT pk_organization_invitations PRIMARY KEY,
        organization_id uuid NOT NULL CONSTRAINT fk_organization_invitations_organization_id REFERENCES organizations (id) ON DELETE CASCADE,
        email varchar(320) NOT NULL,
        role membership_role NOT NULL,
        token_hash varchar(64) NOT NULL,
        expires_at timestamptz NOT NULL,
        invited_by_user_id uuid CONSTRAINT fk_organization_invitations_invited_by_user_id REFERENCES users (id) ON DELETE SET NULL,
        accepted_at timestamptz,
        accepted_by_user_id uuid CONSTRAINT fk_organization_invitations_accepted_by_user_id REFERENCES users (id) ON DELETE SET NULL,
        declined_at timestamptz,
        revoked_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(
      `CREATE UNIQUE INDEX uq_organization_invitations_token_hash_org ON organization_invitations (token_hash, organization_id)`,
    );
    await q.query(
      `CREATE INDEX ix_organization_invitations_org_created ON organization_invitations (organization_id, created_at)`,
    );
    await q.query(`
      CREATE UNIQUE INDEX uq_organization_invitations_open_email ON organization_invitations (organization_id, lower(email))
        WHERE accepted_at IS NULL AND declined_at IS NULL AND revoked_at IS NULL`);
    await q.query(`
      CREATE INDEX ix_organization_invitations_open_email_lower ON organization_invitations (lower(email))
        WHERE accepted_at IS NULL AND declined_at IS NULL AND revoked_at IS NULL`);

    await q.query(`ALTER TABLE organization_invitations ENABLE ROW LEVEL SECURITY`);
    await q.query(`ALTER TABLE organization_invitations FORCE ROW LEVEL SECURITY`);
    await q.query(`
      CREATE POLICY organization_invitations_isolation ON organization_invitations
        USING (organization_id = app_current_org()) WITH CHECK (organization_id = app_current_org())`);
    await q.query(`
      CREATE POLICY organization_invitations_invitee_read ON organization_invitations FOR SELECT
        USING (app_platform_scope() = 'organization-invitation-invitee')`);
    await q.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON organization_invitations TO ppt_app`);

    // One statement (data-modifying CTEs): the invitations, their audit rows and the removal see one snapshot.
    // The membership's sessions stop carrying the organisation at their next refresh (it is gone).
    await q.query(`
      WITH unproven AS (
        SELECT m.id AS membership_id, m.organization_id, m.user_id, m.role, u.email,
               gen_random_uuid() AS invitation_id,
               (SELECT a.actor_user_id FROM audit_log a
                 WHERE a.entity_type = 'membership' AND a.entity_id = m.id::text
                   AND a.action IN ('membership.added', 'membership.invited')
                 ORDER BY a.created_at DESC LIMIT 1) AS invited_by_user_id
          FROM memberships m
          JOIN users u ON u.id = m.user_id
         WHERE u.email_verified_at IS NULL
           AND EXISTS (SELECT 1 FROM audit_log a
                        WHERE a.entity_type = 'membership' AND a.entity_id = m.id::text
                          AND a.action IN ('membership.added', 'membership.invited'))
      ), invited AS (
        INSERT INTO organization_invitations (id, organization_id, email, role, token_hash, expires_at, invited_by_user_id)
        SELECT invitation_id, organization_id, email, role,
               encode(sha256(convert_to(gen_random_uuid()::text || gen_random_uuid()::text, 'UTF8')), 'hex'),
               now() + interval '7 days', invited_by_user_id
          FROM unproven
      ), audited AS (
        INSERT INTO audit_log (organization_id, action, entity_type, entity_id, details)
        SELECT organization_id, 'membership.converted_to_invitation', 'organization_invitation', invitation_id::text,
               jsonb_build_object('membershipId', membership_id, 'userId', user_id, 'role', role)
          FROM unproven
      )
      DELETE FROM memberships WHERE id IN (SELECT membership_id FROM unproven)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      INSERT INTO memberships (id, organization_id, user_id, role)
      SELECT (a.details ->> 'membershipId')::uuid, a.organization_id, (a.details ->> 'userId')::uuid,
             (a.details ->> 'role')::membership_role
        FROM audit_log a
        JOIN organization_invitations i ON i.id::text = a.entity_id
        JOIN users u ON u.id = (a.details ->> 'userId')::uuid
       WHERE a.action = 'membership.converted_to_invitation'
         AND i.accepted_at IS NULL AND i.declined_at IS NULL AND i.revoked_at IS NULL
      ON CONFLICT DO NOTHING`);
    await q.query(`DROP TABLE organization_invitations`);
  }
}
