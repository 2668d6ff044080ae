import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A meter replacement records the serial numbers of the old and the new meter on the reading that
 * starts the new meter (issue #16, item 2). Only replacements carry them; replacements recorded before
 * this migration keep none (what they replaced is not known).
 */
export class MeterReplacements1795400000000 implements MigrationInterface {
  name = 'MeterReplacements1795400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE meter_readings
        ADD COLUMN new_serial_number varchar(100),
        ADD COLUMN old_serial_number varchar(100),
        ADD CONSTRAINT ck_meter_readings_serial_on_replacement CHECK (is_replacement OR new_serial_number IS NULL)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE meter_readings
        DROP CONSTRAINT ck_meter_readings_serial_on_replacement,
        DROP COLUMN old_serial_number,
        DROP COLUMN new_serial_number`);
  }
}
