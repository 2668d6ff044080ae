import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A session's generation: bumped when what its access tokens claim stops being true (it switched
 * organisation, or its role there changed). Access tokens carry the generation they were issued
 * under, and only the current one is accepted, so an earlier token of a live session dies at once.
 * Existing sessions start at 0, the value tokens issued before this change are read as.
 */
export class SessionGeneration1795378000000 implements MigrationInterface {
  name = 'SessionGeneration1795378000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE sessions ADD COLUMN generation integer NOT NULL DEFAULT 0`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE sessions DROP COLUMN generation`);
  }
}
