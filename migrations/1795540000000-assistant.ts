import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The assistant: per-organisation LLM settings (sealed key), each user's own conversations and
 * messages (RLS on organisation and user), the usage ledger behind monthly budgets, and drafts.
 */
export class Assistant1795540000000 implements MigrationInterface {
  name = 'Assistant1795540000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TYPE assistant_provider AS ENUM ('openai', 'anthropic')`);
    await q.query(`CREATE TYPE assistant_message_role AS ENUM ('user', 'assistant')`);
    await q.query(
      `CREATE TYPE assistant_draft_kind AS ENUM ('listing-description', 'announcement', 'document-summary', 'lease')`,
    );
    await q.query(`
      CREATE TABLE assistant_settings (
        id uuid NOT NULL DEFAULT gen_random_uuid() CONSTRAINT pk_assistant_settings PRIMARY KEY,
        organization_id uuid NOT NULL CONSTRAINT fk_assistant_settings_organization_id REFERENCES organizations (id) ON DELETE CASCADE,
        enabled boolean NOT NULL DEFAULT true,
        provider assistant_provider NOT NULL,
        base_url varchar(500) NOT NULL,
        model varchar(200) NOT NULL,
        api_key_sealed text NOT NULL,
        temperature numeric(3,2) NOT NULL,
        max_tokens integer NOT NULL,
        monthly_token_budget bigint,
        monthly_cost_budget_micros bigint,
        input_price_per_million_micros bigint NOT NULL DEFAULT 0,
        output_price_per_million_micros bigint NOT NULL DEFAULT 0,
        requests_per_minute integer,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE UNIQUE INDEX uq_assistant_settings_org ON assistant_settings (organization_id)`);

    await q.query(`
      CREATE TABLE assistant_conversations (
        id uuid NOT NULL DEFAULT gen_random_uuid() CONSTRAINT pk_assistant_conversations PRIMARY KEY,
        organization_id uuid NOT NULL CONSTRAINT fk_assistant_conversations_organization_id REFERENCES organizations (id) ON DELETE CASCADE,
        user_id uuid NOT NULL CONSTRAINT fk_assistant_conversations_user_id REFERENCES users (id) ON DELETE CASCADE,
        building_id uuid,
        title varchar(200) NOT NULL,
        summary text,
        summary_through_seq integer NOT NULL DEFAULT 0,
        last_seq integer NOT NULL DEFAULT 0,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(
      `CREATE UNIQUE INDEX uq_assistant_conversations_org_id ON assistant_conversations (organization_id, id)`,
    );
    await q.query(
      `CREATE INDEX ix_assistant_conversations_org_user_updated ON assistant_conversations (organization_id, user_id, updated_at)`,
    );

    await q.query(`
      CREATE TABLE assistant_messages (
        id uuid NOT NULL DEFAULT gen_random_uuid() CONSTRAINT pk_assistant_messages PRIMARY KEY,
        organization_id uuid NOT NULL CONSTRAINT fk_assistant_messages_organization_id REFERENCES organizations (id) ON DELETE CASCADE,
        conversation_id uuid NOT NULL,
        user_id uuid NOT NULL CONSTRAINT fk_assistant_messages_user_id REFERENCES users (id) ON DELETE CASCADE,
        seq integer NOT NULL,
        role assistant_message_role NOT NULL,
        content text NOT NULL,
        citations jsonb NOT NULL DEFAULT '[]',
        input_tokens integer NOT NULL DEFAULT 0,
        output_tokens integer NOT NULL DEFAULT 0,
        cost_micros bigint NOT NULL DEFAULT 0,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT fk_assistant_messages_conversation_id_organization_id FOREIGN KEY (conversation_id, organization_id)
          REFERENCES assistant_conversations (id, organization_id) ON DELETE CASCADE
      )`);
    await q.query(
      `CREATE UNIQUE INDEX uq_assistant_messages_org_conversation_seq ON assistant_messages (organization_id, conversation_id, seq)`,
    );

    await q.query(`
      CREATE TABLE assistant_usage (
        id uuid NOT NULL DEFAULT gen_random_uuid() CONSTRAINT pk_assistant_usage PRIMARY KEY,
        organization_id uuid NOT NULL CONSTRAINT fk_assistant_usage_organization_id REFERENCES organizations (id) ON DELETE CASCADE,
        user_id uuid CONSTRAINT fk_assistant_usage_user_id REFERENCES users (id) ON DELETE SET NULL,
        feature varchar(50) NOT NULL,
        input_tokens integer NOT NULL,
        output_tokens integer NOT NULL,
        cost_micros bigint NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(
      `CREATE INDEX ix_assistant_usage_org_created ON assistant_usage (organization_id, created_at)`,
    );

    await q.query(`
      CREATE TABLE assistant_drafts (
        id uuid NOT NULL DEFAULT gen_random_uuid() CONSTRAINT pk_assistant_drafts PRIMARY KEY,
        organization_id uuid NOT NULL CONSTRAINT fk_assistant_drafts_organization_id REFERENCES organizations (id) ON DELETE CASCADE,
        kind assistant_draft_kind NOT NULL,
        subject_id uuid,
        language varchar(5),
        template_id varchar(100) NOT NULL,
        parameters jsonb NOT NULL DEFAULT '{}',
        variants text[] NOT NULL,
        created_by_user_id uuid CONSTRAINT fk_assistant_drafts_created_by_user_id REFERENCES users (id) ON DELETE SET NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(
      `CREATE INDEX ix_assistant_drafts_org_subject ON assistant_drafts (organization_id, subject_id)`,
    );
    await q.query(
      `CREATE INDEX ix_assistant_drafts_org_created ON assistant_drafts (organization_id, created_at)`,
    );

    // Organisation-wide: settings (admins), the usage ledger (budgets count everyone), drafts (staff share them).
    for (const table of ['assistant_settings', 'assistant_usage', 'assistant_drafts']) {
      await q.query(`ALTER TABLE ${table} ENABLE ROW LEVEL SECURITY`);
      await q.query(`ALTER TABLE ${table} FORCE ROW LEVEL SECURITY`);
      await q.query(`
        CREATE POLICY ${table}_isolation ON ${table}
          USING (organization_id = app_current_org()) WITH CHECK (organization_id = app_current_org())`);
      await q.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON ${table} TO ppt_app`);
    }
    // A user's own conversations: even an organisation admin does not read another member's.
    for (const table of ['assistant_conversations', 'assistant_messages']) {
      await q.query(`ALTER TABLE ${table} ENABLE ROW LEVEL SECURITY`);
      await q.query(`ALTER TABLE ${table} FORCE ROW LEVEL SECURITY`);
      await q.query(`
        CREATE POLICY ${table}_owner ON ${table}
          USING (organization_id = app_current_org() AND user_id = app_current_user())
          WITH CHECK (organization_id = app_current_org() AND user_id = app_current_user())`);
      await q.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON ${table} TO ppt_app`);
    }
    // Key rotation (admin CLI reseal-secrets) re-seals provider keys like portal credentials.
    await q.query(`
      CREATE POLICY assistant_settings_reseal_read ON assistant_settings FOR SELECT
        USING (app_platform_scope() = 'secrets-reseal')`);
    await q.query(`
      CREATE POLICY assistant_settings_reseal_update ON assistant_settings FOR UPDATE
        USING (app_platform_scope() = 'secrets-reseal')
        WITH CHECK (app_platform_scope() = 'secrets-reseal')`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE assistant_drafts`);
    await q.query(`DROP TABLE assistant_usage`);
    await q.query(`DROP TABLE assistant_messages`);
    await q.query(`DROP TABLE assistant_conversations`);
    await q.query(`DROP TABLE assistant_settings`);
    await q.query(`DROP TYPE assistant_draft_kind`);
    await q.query(`DROP TYPE assistant_message_role`);
    await q.query(`DROP TYPE assistant_provider`);
  }
}
