import { MigrationInterface, QueryRunner } from 'typeorm';

/** Device-code sign-in: a device shows a short code, a signed-in user authorizes it, the device collects a session. */
export class DeviceCodes1763863200000 implements MigrationInterface {
  name = 'DeviceCodes1763863200000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE device_codes (
        id                   uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        code                 char(9) NOT NULL UNIQUE CHECK (code ~ '^[A-Z2-9]{4}-[A-Z2-9]{4}$'),
        poll_token_hash      char(64) NOT NULL UNIQUE,
        client_type          varchar(16) NOT NULL CHECK (client_type IN ('mobile', 'connector', 'web')),
        ip                   varchar(64),
        user_agent           text,
        authorized_by        integer REFERENCES users (id) ON DELETE CASCADE,
        session_token_secret bytea,
        expires_at           timestamptz NOT NULL,
        created_at           timestamptz NOT NULL DEFAULT now(),
        CHECK ((authorized_by IS NULL) = (session_token_secret IS NULL))
      )`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE device_codes');
  }
}
