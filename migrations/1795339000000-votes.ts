import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Owners' votes: questions with options, the eligibility snapshot taken on opening, delegations
 * (proxies), participation (who voted) and the ballot hash chain (what was voted), which the app role
 * may only read and append to.
 */
export class Votes1795339000000 implements MigrationInterface {
  name = 'Votes1795339000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TYPE vote_kind AS ENUM ('meeting', 'written')`);
    await q.query(`CREATE TYPE vote_status AS ENUM ('draft', 'open', 'closed', 'cancelled')`);
    await q.query(`CREATE TYPE vote_majority_rule AS ENUM ('simple', 'two_thirds', 'unanimous')`);

    await q.query(`
      CREATE TABLE votes (
        id uuid NOT NULL DEFAULT gen_random_uuid() CONSTRAINT pk_votes PRIMARY KEY,
        organization_id uuid NOT NULL CONSTRAINT fk_votes_organization_id REFERENCES organizations (id) ON DELETE CASCADE,
        title varchar(200) NOT NULL,
        description text NOT NULL DEFAULT '',
        kind vote_kind NOT NULL,
        secret boolean NOT NULL DEFAULT false,
        status vote_status NOT NULL DEFAULT 'draft',
        building_ids uuid[] NOT NULL DEFAULT '{}',
        start_at timestamptz NOT NULL,
        end_at timestamptz NOT NULL,
        opened_at timestamptz,
        closed_at timestamptz,
        cancelled_at timestamptz,
        eligible_unit_count integer,
        eligible_weight text,
        ballot_count integer NOT NULL DEFAULT 0,
        chain_head char(64),
        created_by_user_id uuid CONSTRAINT fk_votes_created_by_user_id REFERENCES users (id) ON DELETE SET NULL,
        version integer NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT ck_votes_period CHECK (end_at > start_at)
      )`);
    await q.query(`CREATE UNIQUE INDEX uq_votes_org_id ON votes (organization_id, id)`);
    await q.query(`CREATE INDEX ix_votes_org_status_start ON votes (organization_id, status, start_at)`);

    await q.query(`
      CREATE TABLE vote_questions (
        id uuid NOT NULL DEFAULT gen_random_uuid() CONSTRAINT pk_vote_questions PRIMARY KEY,
        organization_id uuid NOT NULL CONSTRAINT fk_vote_questions_organization_id REFERENCES organizations (id) ON DELETE CASCADE,
        vote_id uuid NOT NULL,
        position smallint NOT NULL,
        text varchar(1000) NOT NULL,
        description text NOT NULL DEFAULT '',
        quorum_numerator integer NOT NULL,
        quorum_denominator integer NOT NULL,
        majority vote_majority_rule NOT NULL DEFAULT 'simple',
        result jsonb,
        CONSTRAINT ck_vote_questions_quorum
          CHECK (quorum_numerator >= 0 AND quorum_denominator > 0 AND quorum_numerator <= quorum_denominator),
        CONSTRAINT fk_vote_questions_vote_id_organization_id FOREIGN KEY (vote_id, organization_id)
          REFERENCES votes (id, organization_id) ON DELETE CASCADE
      )`);
    await q.query(`CREATE UNIQUE INDEX uq_vote_questions_org_id ON vote_questions (organization_id, id)`);
    await q.query(
      `CREATE UNIQUE INDEX uq_vote_questions_org_vote_position ON vote_questions (organization_id, vote_id, position)`,
    );

    await q.query(`
      CREATE TABLE vote_options (
        id uuid NOT NULL DEFAULT gen_random_uuid() CONSTRAINT pk_vote_options PRIMARY KEY,
        organization_id uuid NOT NULL CONSTRAINT fk_vote_options_organization_id REFERENCES organizations (id) ON DELETE CASCADE,
        question_id uuid NOT NULL,
        position smallint NOT NULL,
        label varchar(200) NOT NULL,
        abstain boolean NOT NULL DEFAULT false,
        CONSTRAINT fk_vote_options_question_id_organization_id FOREIGN KEY (question_id, organization_id)
          REFERENCES vote_questions (id, organization_id) ON DELETE CASCADE
      )`);
    await q.query(`CREATE UNIQUE INDEX uq_vote_options_org_id ON vote_options (organization_id, id)`);
    await q.query(
      `CREATE UNIQUE INDEX uq_vote_options_org_question_position ON vote_options (organization_id, question_id, position)`,
    );

    await q.query(`
      CREATE TABLE vote_eligible_units (
        id uuid NOT NULL DEFAULT gen_random_uuid() CONSTRAINT pk_vote_eligible_units PRIMARY KEY,
        organization_id uuid NOT NULL CONSTRAINT fk_vote_eligible_units_organization_id REFERENCES organizations (id) ON DELETE CASCADE,
        vote_id uuid NOT NULL,
        unit_id uuid NOT NULL,
        owner_person_ids uuid[] NOT NULL,
        weight_numerator integer NOT NULL,
        weight_denominator integer NOT NULL,
        CONSTRAINT fk_vote_eligible_units_vote_id_organization_id FOREIGN KEY (vote_id, organization_id)
          REFERENCES votes (id, organization_id) ON DELETE CASCADE,
        CONSTRAINT fk_vote_eligible_units_unit_id_organization_id FOREIGN KEY (unit_id, organization_id)
          REFERENCES units (id, organization_id) ON DELETE RESTRICT
      )`);
    await q.query(
      `CREATE UNIQUE INDEX uq_vote_eligible_units_org_vote_unit ON vote_eligible_units (organization_id, vote_id, unit_id)`,
    );

    await q.query(`
      CREATE TABLE vote_delegations (
        id uuid NOT NULL DEFAULT gen_random_uuid() CONSTRAINT pk_vote_delegations PRIMARY KEY,
        organization_id uuid NOT NULL CONSTRAINT fk_vote_delegations_organization_id REFERENCES organizations (id) ON DELETE CASCADE,
        vote_id uuid NOT NULL,
        unit_id uuid NOT NULL,
        grantor_person_id uuid NOT NULL,
        proxy_person_id uuid NOT NULL,
        created_by_user_id uuid CONSTRAINT fk_vote_delegations_created_by_user_id REFERENCES users (id) ON DELETE SET NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        revoked_at timestamptz,
        CONSTRAINT fk_vote_delegations_vote_id_organization_id FOREIGN KEY (vote_id, organization_id)
          REFERENCES votes (id, organization_id) ON DELETE CASCADE,
        CONSTRAINT fk_vote_delegations_unit_id_organization_id FOREIGN KEY (unit_id, organization_id)
          REFERENCES units (id, organization_id) ON DELETE RESTRICT,
        CONSTRAINT fk_vote_delegations_grantor_person_id_organization_id FOREIGN KEY (grantor_person_id, organization_id)
          REFERENCES people (id, organization_id) ON DELETE RESTRICT,
        CONSTRAINT fk_vote_delegations_proxy_person_id_organization_id FOREIGN KEY (proxy_person_id, organization_id)
          REFERENCES people (id, organization_id) ON DELETE RESTRICT
      )`);
    await q.query(`CREATE UNIQUE INDEX uq_vote_delegations_org_id ON vote_delegations (organization_id, id)`);
    // One delegation in force per unit and vote; revoked ones stay as history.
    await q.query(
      `CREATE UNIQUE INDEX uq_vote_delegations_org_vote_unit_active ON vote_delegations (organization_id, vote_id, unit_id) WHERE revoked_at IS NULL`,
    );
    await q.query(
      `CREATE INDEX ix_vote_delegations_org_proxy ON vote_delegations (organization_id, proxy_person_id)`,
    );

    await q.query(`
      CREATE TABLE vote_participations (
        id uuid NOT NULL DEFAULT gen_random_uuid() CONSTRAINT pk_vote_participations PRIMARY KEY,
        organization_id uuid NOT NULL CONSTRAINT fk_vote_participations_organization_id REFERENCES organizations (id) ON DELETE CASCADE,
        vote_id uuid NOT NULL,
        question_id uuid NOT NULL,
        unit_id uuid NOT NULL,
        person_id uuid NOT NULL,
        delegation_id uuid,
        CONSTRAINT fk_vote_participations_vote_id_organization_id FOREIGN KEY (vote_id, organization_id)
          REFERENCES votes (id, organization_id) ON DELETE CASCADE,
        CONSTRAINT fk_vote_participations_question_id_organization_id FOREIGN KEY (question_id, organization_id)
          REFERENCES vote_questions (id, organization_id) ON DELETE CASCADE,
        CONSTRAINT fk_vote_participations_unit_id_organization_id FOREIGN KEY (unit_id, organization_id)
          REFERENCES units (id, organization_id) ON DELETE RESTRICT,
        CONSTRAINT fk_vote_participations_person_id_organization_id FOREIGN KEY (person_id, organization_id)
          REFERENCES people (id, organization_id) ON DELETE RESTRICT,
        CONSTRAINT fk_vote_participations_delegation_id_organization_id FOREIGN KEY (delegation_id, organization_id)
          REFERENCES vote_delegations (id, organization_id) ON DELETE RESTRICT
      )`);
    await q.query(
      `CREATE UNIQUE INDEX uq_vote_participations_org_question_unit ON vote_participations (organization_id, question_id, unit_id)`,
    );
    await q.query(
      `CREATE INDEX ix_vote_participations_org_vote ON vote_participations (organization_id, vote_id)`,
    );

    await q.query(`
      CREATE TABLE vote_ballots (
        id uuid NOT NULL DEFAULT gen_random_uuid() CONSTRAINT pk_vote_ballots PRIMARY KEY,
        organization_id uuid NOT NULL CONSTRAINT fk_vote_ballots_organization_id REFERENCES organizations (id) ON DELETE CASCADE,
        vote_id uuid NOT NULL,
        sequence integer NOT NULL,
        question_id uuid NOT NULL,
        option_id uuid NOT NULL,
        weight_numerator integer NOT NULL,
        weight_denominator integer NOT NULL,
        unit_id uuid,
        cast_by_person_id uuid,
        cast_at timestamptz,
        supersedes_ballot_id uuid,
        change_token_hash char(64),
        previous_hash char(64) NOT NULL,
        hash char(64) NOT NULL,
        CONSTRAINT fk_vote_ballots_vote_id_organization_id FOREIGN KEY (vote_id, organization_id)
          REFERENCES votes (id, organization_id) ON DELETE CASCADE,
        CONSTRAINT fk_vote_ballots_question_id_organization_id FOREIGN KEY (question_id, organization_id)
          REFERENCES vote_questions (id, organization_id) ON DELETE CASCADE,
        CONSTRAINT fk_vote_ballots_option_id_organization_id FOREIGN KEY (option_id, organization_id)
          REFERENCES vote_options (id, organization_id) ON DELETE CASCADE
      )`);
    await q.query(`CREATE UNIQUE INDEX uq_vote_ballots_org_id ON vote_ballots (organization_id, id)`);
    // After the unique index it references.
    await q.query(`
      ALTER TABLE vote_ballots ADD CONSTRAINT fk_vote_ballots_supersedes_ballot_id_organization_id
        FOREIGN KEY (supersedes_ballot_id, organization_id) REFERENCES vote_ballots (id, organization_id) ON DELETE CASCADE`);
    await q.query(
      `CREATE UNIQUE INDEX uq_vote_ballots_org_vote_sequence ON vote_ballots (organization_id, vote_id, sequence)`,
    );
    // A ballot is superseded at most once: two concurrent changes cannot both replace it.
    await q.query(
      `CREATE UNIQUE INDEX uq_vote_ballots_org_supersedes ON vote_ballots (organization_id, supersedes_ballot_id)`,
    );
    await q.query(
      `CREATE INDEX ix_vote_ballots_org_question_unit ON vote_ballots (organization_id, question_id, unit_id)`,
    );

    const tables = [
      'votes',
      'vote_questions',
      'vote_options',
      'vote_eligible_units',
      'vote_delegations',
      'vote_participations',
      'vote_ballots',
    ];
    for (const table of tables) {
      await q.query(`ALTER TABLE ${table} ENABLE ROW LEVEL SECURITY`);
      await q.query(`ALTER TABLE ${table} FORCE ROW LEVEL SECURITY`);
      await q.query(`
        CREATE POLICY ${table}_isolation ON ${table}
          USING (organization_id = app_current_org()) WITH CHECK (organization_id = app_current_org())`);
      // The ballot chain is append-only for the app, like the audit log.
      const privileges = table === 'vote_ballots' ? 'SELECT, INSERT' : 'SELECT, INSERT, UPDATE, DELETE';
      await q.query(`GRANT ${privileges} ON ${table} TO ppt_app`);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE vote_ballots`);
    await q.query(`DROP TABLE vote_participations`);
    await q.query(`DROP TABLE vote_delegations`);
    await q.query(`DROP TABLE vote_eligible_units`);
    await q.query(`DROP TABLE vote_options`);
    await q.query(`DROP TABLE vote_questions`);
    await q.query(`DROP TABLE votes`);
    await q.query(`DROP TYPE vote_majority_rule`);
    await q.query(`DROP TYPE vote_status`);
    await q.query(`DROP TYPE vote_kind`);
  }
}
