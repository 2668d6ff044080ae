import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Payments (issue #16, item 6).
 *
 * - A payment is never changed or deleted: a mistake is undone by a reversing entry (negative amount,
 *   `reverses_payment_id`, a reason), at most one per payment. The app role keeps only SELECT and
 *   INSERT on `payments`.
 * - `idempotency_keys` remembers, per organisation, user and operation, the key a client sent, a hash
 *   of its request and the answer it got, written in the transaction of the creation; a retry with the
 *   same key gets that answer again, a concurrent one waits on the unique index and then gets it too.
 */
export class PaymentReversalsAndIdempotency1795421000000 implements MigrationInterface {
  name = 'PaymentReversalsAndIdempotency1795421000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE UNIQUE INDEX uq_payments_org_id ON payments (organization_id, id)`);
    await q.query(`ALTER TABLE payments ADD reverses_payment_id uuid`);
    await q.query(`ALTER TABLE payments ADD reason varchar(500)`);
    await q.query(`
      ALTER TABLE payments ADD CONSTRAINT fk_payments_reverses_payment_id_organization_id
        FOREIGN KEY (reverses_payment_id, organization_id) REFERENCES payments (id, organization_id) ON DELETE RESTRICT`);
    await q.query(`ALTER TABLE payments DROP CONSTRAINT ck_payments_amount`);
    await q.query(`
      ALTER TABLE payments ADD CONSTRAINT ck_payments_amount CHECK (
        (reverses_payment_id IS NULL AND amount > 0 AND reason IS NULL)
        OR (reverses_payment_id IS NOT NULL AND amount < 0 AND reason IS NOT NULL))`);
    await q.query(
      `CREATE UNIQUE INDEX uq_payments_org_reverses ON payments (organization_id, reverses_payment_id) WHERE reverses_payment_id IS NOT NULL`,
    );
    await q.query(`REVOKE UPDATE, DELETE ON payments FROM ppt_app`);

    await q.query(`
      CREATE TABLE idempotency_keys (
        id uuid NOT NULL DEFAULT gen_random_uuid() CONSTRAINT pk_idempotency_keys PRIMARY KEY,
        organization_id uuid NOT NULL CONSTRAINT fk_idempotency_keys_organization_id REFERENCES organizations (id) ON DELETE CASCADE,
        user_id uuid NOT NULL CONSTRAINT fk_idempotency_keys_user_id REFERENCES users (id) ON DELETE CASCADE,
        operation varchar(100) NOT NULL,
        key varchar(255) NOT NULL,
        request_hash char(64) NOT NULL,
        response_status integer NOT NULL,
        response_body jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(
      `CREATE UNIQUE INDEX uq_idempotency_keys_org_user_operation_key ON idempotency_keys (organization_id, user_id, operation, key)`,
    );
    await q.query(`ALTER TABLE idempotency_keys ENABLE ROW LEVEL SECURITY`);
    await q.query(`ALTER TABLE idempotency_keys FORCE ROW LEVEL SECURITY`);
    await q.query(`
      CREATE POLICY idempotency_keys_isolation ON idempotency_keys
        USING (organization_id = app_current_org()) WITH CHECK (organization_id = app_current_org())`);
    await q.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON idempotency_keys TO ppt_app`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE idempotency_keys`);
    await q.query(`GRANT UPDATE, DELETE ON payments TO ppt_app`);
    await q.query(`DELETE FROM payments WHERE reverses_payment_id IS NOT NULL`);
    await q.query(`DROP INDEX uq_payments_org_reverses`);
    await q.query(`ALTER TABLE payments DROP CONSTRAINT ck_payments_amount`);
    await q.query(`ALTER TABLE payments ADD CONSTRAINT ck_payments_amount CHECK (amount > 0)`);
    await q.query(`ALTER TABLE payments DROP CONSTRAINT fk_payments_reverses_payment_id_organization_id`);
    await q.query(`ALTER TABLE payments DROP reason`);
    await q.query(`ALTER TABLE payments DROP reverses_payment_id`);
    await q.query(`DROP INDEX uq_payments_org_id`);
  }
}
