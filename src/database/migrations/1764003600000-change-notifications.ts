import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Changes that open clients must hear about are announced by PostgreSQL itself, on the `sshid_changes` channel:
 * every instance LISTENs, and NOTIFY is delivered only when the writing transaction commits (never for a rollback).
 * Triggers catch every path that writes — any dialect, seeding, cascades — so no service can forget to announce.
 * Payloads: `{"kind":"identity","user":N|null,"organization":N|null}` and `{"kind":"session_revoked","session":"uuid","user":N}`.
 */
export class ChangeNotifications1764003600000 implements MigrationInterface {
  name = 'ChangeNotifications1764003600000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE FUNCTION sshid_notify_identity() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP <> 'INSERT' THEN
          PERFORM pg_notify('sshid_changes', json_build_object('kind', 'identity', 'user', OLD.owner_user_id, 'organization', OLD.organization_id)::text);
        END IF;
        IF TG_OP <> 'DELETE' THEN
          PERFORM pg_notify('sshid_changes', json_build_object('kind', 'identity', 'user', NEW.owner_user_id, 'organization', NEW.organization_id)::text);
        END IF;
        RETURN NULL;
      END $$`);
    await db.query(`CREATE TRIGGER identities_notify AFTER INSERT OR UPDATE OR DELETE ON identities FOR EACH ROW EXECUTE FUNCTION sshid_notify_identity()`);

    await db.query(`
      CREATE FUNCTION sshid_notify_identity_key() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        changed integer := CASE WHEN TG_OP = 'DELETE' THEN OLD.identity_id ELSE NEW.identity_id END;
        owner record;
      BEGIN
        IF changed IS NULL THEN RETURN NULL; END IF;
        SELECT owner_user_id, organization_id INTO owner FROM identities WHERE id = changed;
        IF FOUND THEN
          PERFORM pg_notify('sshid_changes', json_build_object('kind', 'identity', 'user', owner.owner_user_id, 'organization', owner.organization_id)::text);
        END IF;
        RETURN NULL;
      END $$`);
    await db.query(`CREATE TRIGGER public_keys_notify AFTER INSERT OR UPDATE OR DELETE ON public_keys FOR EACH ROW EXECUTE FUNCTION sshid_notify_identity_key()`);

    await db.query(`
      CREATE FUNCTION sshid_notify_session_revoked() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_notify('sshid_changes', json_build_object('kind', 'session_revoked', 'session', OLD.id, 'user', OLD.user_id)::text);
        RETURN NULL;
      END $$`);
    await db.query(`CREATE TRIGGER sessions_notify_revoked AFTER DELETE ON sessions FOR EACH ROW EXECUTE FUNCTION sshid_notify_session_revoked()`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TRIGGER sessions_notify_revoked ON sessions');
    await db.query('DROP TRIGGER public_keys_notify ON public_keys');
    await db.query('DROP TRIGGER identities_notify ON identities');
    await db.query('DROP FUNCTION sshid_notify_session_revoked()');
    await db.query('DROP FUNCTION sshid_notify_identity_key()');
    await db.query('DROP FUNCTION sshid_notify_identity()');
  }
}
