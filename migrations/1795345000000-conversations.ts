import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Conversations (direct and building-wide), their participants' read state, and messages. */
export class Conversations1795345000000 implements MigrationInterface {
  name = 'Conversations1795345000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TYPE conversation_kind AS ENUM ('direct', 'building')`);
    await q.query(`
      CREATE TABLE conversations (
        id uuid NOT NULL DEFAULT gen_random_uuid() CONSTRAINT pk_conversations PRIMARY KEY,
        organization_id uuid NOT NULL CONSTRAINT fk_conversations_organization_id REFERENCES organizations (id) ON DELETE CASCADE,
        kind conversation_kind NOT NULL,
        subject varchar(200),
        building_id uuid,
        direct_low_user_id uuid,
        direct_high_user_id uuid,
        created_by_user_id uuid CONSTRAINT fk_conversations_created_by_user_id REFERENCES users (id) ON DELETE SET NULL,
        last_seq integer NOT NULL DEFAULT 0,
        last_activity_at timestamptz NOT NULL DEFAULT now(),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT fk_conversations_building_id_organization_id FOREIGN KEY (building_id, organization_id)
          REFERENCES buildings (id, organization_id) ON DELETE RESTRICT
      )`);
    await q.query(`CREATE UNIQUE INDEX uq_conversations_org_id ON conversations (organization_id, id)`);
    await q.query(
      `CREATE UNIQUE INDEX uq_conversations_org_direct_pair ON conversations (organization_id, direct_low_user_id, direct_high_user_id)`,
    );
    await q.query(
      `CREATE INDEX ix_conversations_org_last_activity ON conversations (organization_id, last_activity_at)`,
    );
    await q.query(
      `CREATE INDEX ix_conversations_org_building ON conversations (organization_id, building_id)`,
    );
    await q.query(`
      CREATE TABLE conversation_participants (
        id uuid NOT NULL DEFAULT gen_random_uuid() CONSTRAINT pk_conversation_participants PRIMARY KEY,
        organization_id uuid NOT NULL CONSTRAINT fk_conversation_participants_organization_id REFERENCES organizations (id) ON DELETE CASCADE,
        conversation_id uuid NOT NULL,
        user_id uuid NOT NULL CONSTRAINT fk_conversation_participants_user_id REFERENCES users (id) ON DELETE CASCADE,
        last_read_seq integer NOT NULL DEFAULT 0,
        last_read_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT fk_conversation_participants_conversation_id_organization_id FOREIGN KEY (conversation_id, organization_id)
          REFERENCES conversations (id, organization_id) ON DELETE CASCADE
      )`);
    await q.query(
      `CREATE UNIQUE INDEX uq_conversation_participants_org_conversation_user ON conversation_participants (organization_id, conversation_id, user_id)`,
    );
    await q.query(
      `CREATE INDEX ix_conversation_participants_org_user ON conversation_participants (organization_id, user_id)`,
    );
    await q.query(`
      CREATE TABLE conversation_messages (
        id uuid NOT NULL DEFAULT gen_random_uuid() CONSTRAINT pk_conversation_messages PRIMARY KEY,
        organization_id uuid NOT NULL CONSTRAINT fk_conversation_messages_organization_id REFERENCES organizations (id) ON DELETE CASCADE,
        conversation_id uuid NOT NULL,
        seq integer NOT NULL,
        sender_user_id uuid CONSTRAINT fk_conversation_messages_sender_user_id REFERENCES users (id) ON DELETE SET NULL,
        client_message_id uuid NOT NULL,
        body varchar(5000) NOT NULL,
        attachment_document_ids uuid[] NOT NULL DEFAULT '{}',
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT fk_conversation_messages_conversation_id_organization_id FOREIGN KEY (conversation_id, organization_id)
          REFERENCES conversations (id, organization_id) ON DELETE CASCADE
      )`);
    await q.query(
      `CREATE UNIQUE INDEX uq_conversation_messages_org_conversation_seq ON conversation_messages (organization_id, conversation_id, seq)`,
    );
    await q.query(
      `CREATE UNIQUE INDEX uq_conversation_messages_org_conversation_sender_client ON conversation_messages (organization_id, conversation_id, sender_user_id, client_message_id)`,
    );

    for (const table of ['conversations', 'conversation_participants', 'conversation_messages']) {
      await q.query(`ALTER TABLE ${table} ENABLE ROW LEVEL SECURITY`);
      await q.query(`ALTER TABLE ${table} FORCE ROW LEVEL SECURITY`);
      await q.query(`
        CREATE POLICY ${table}_isolation ON ${table}
          USING (organization_id = app_current_org()) WITH CHECK (organization_id = app_current_org())`);
      await q.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON ${table} TO ppt_app`);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE conversation_messages`);
    await q.query(`DROP TABLE conversation_participants`);
    await q.query(`DROP TABLE conversations`);
    await q.query(`DROP TYPE conversation_kind`);
  }
}
