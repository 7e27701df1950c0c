import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Keys can expire (an expired key stays listed but is never answered to an SSH server) and remember when an SSH
 * server last accepted them. SSH servers ask by login, so identities are indexed by their remote username.
 */
export class KeyExpiryAndUse1764300000000 implements MigrationInterface {
  name = 'KeyExpiryAndUse1764300000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE public_keys ADD COLUMN expires_at timestamptz, ADD COLUMN last_used_at timestamptz`);
    await db.query(`CREATE INDEX identities_username ON identities (username) WHERE username IS NOT NULL`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP INDEX identities_username`);
    await db.query(`ALTER TABLE public_keys DROP COLUMN expires_at, DROP COLUMN last_used_at`);
  }
}
