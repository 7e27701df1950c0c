import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Keys store what a key is (type, bits, blob, fingerprints). The length one dialect reports is computed from the
 * blob where that dialect presents the key, so the column that held it goes.
 */
export class DropDialectKeyLength1764200000000 implements MigrationInterface {
  name = 'DropDialectKeyLength1764200000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE public_keys DROP COLUMN foreman_length`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE public_keys ADD COLUMN foreman_length integer`);
    await db.query(`UPDATE public_keys SET foreman_length = bits`);
    await db.query(`ALTER TABLE public_keys ALTER COLUMN foreman_length SET NOT NULL`);
  }
}
