import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Counters that must hold across instances and restarts: failed authentications per login and per client address,
 * the device-code creation limit and invitations per inviter. One row per (bucket, subject); `attempt` is the id of the last attempt the
 * row counted, so a caller can tell whether its own attempt was counted or refused by a lock another set first.
 */
export class AttemptCounters1764100000000 implements MigrationInterface {
  name = 'AttemptCounters1764100000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE attempt_counters (
        bucket text NOT NULL CHECK (bucket IN ('login', 'address', 'device_create', 'invite')),
        subject text NOT NULL CHECK (length(subject) BETWEEN 1 AND 300),
        count integer NOT NULL CHECK (count >= 0),
        window_started_at timestamptz NOT NULL DEFAULT now(),
        last_counted_at timestamptz NOT NULL DEFAULT now(),
        locked_until timestamptz,
        attempt uuid,
        PRIMARY KEY (bucket, subject)
      )`);
    await db.query(`CREATE INDEX attempt_counters_window ON attempt_counters (window_started_at)`);

    // Counts one attempt unless the row is locked. The attempt that brings the count to the threshold is allowed and
    // locks the row for base * 2^(count - threshold) (at most max_lock); a locked row refuses without counting.
    // Row locking of INSERT ... ON CONFLICT serialises concurrent attempts on one subject, so none slips past a lock.
    await db.query(`
      CREATE FUNCTION sshid_count_attempt(p_bucket text, p_subject text, p_threshold integer, p_window interval,
                                          p_base interval, p_max_lock interval, p_attempt uuid)
      RETURNS TABLE (counted boolean, count integer, retry_after_seconds integer, window_seconds_left integer) LANGUAGE sql AS $$
        INSERT INTO attempt_counters AS c (bucket, subject, count, window_started_at, last_counted_at, locked_until, attempt)
        VALUES (p_bucket, p_subject, 1, now(), now(), CASE WHEN p_threshold <= 1 THEN now() + least(p_base, p_max_lock) END, p_attempt)
        ON CONFLICT (bucket, subject) DO UPDATE SET
          count = CASE WHEN c.locked_until > now() THEN c.count
                       WHEN c.window_started_at <= now() - p_window THEN 1
                       ELSE c.count + 1 END,
          window_started_at = CASE WHEN c.locked_until > now() THEN c.window_started_at
                                   WHEN c.window_started_at <= now() - p_window THEN now()
                                   ELSE c.window_started_at END,
          last_counted_at = CASE WHEN c.locked_until > now() THEN c.last_counted_at ELSE now() END,
          locked_until = CASE
            WHEN c.locked_until > now() THEN c.locked_until
            WHEN c.window_started_at <= now() - p_window THEN
              CASE WHEN p_threshold <= 1 THEN now() + least(p_base, p_max_lock) END
            WHEN c.count + 1 >= p_threshold THEN
              now() + least(p_max_lock, p_base * power(2, least(c.count + 1 - p_threshold, 30)))
            END,
          attempt = CASE WHEN c.locked_until > now() THEN c.attempt ELSE p_attempt END
        RETURNING c.attempt = p_attempt,
                  c.count,
                  CASE WHEN c.locked_until > now() THEN ceil(extract(epoch FROM c.locked_until - now()))::integer ELSE 0 END,
                  greatest(0, ceil(extract(epoch FROM c.window_started_at + p_window - now())))::integer
      $$`);

    // Takes back an attempt counted above (it succeeded, or another bucket refused it): one fewer, and no lock below
    // the threshold. p_forget drops the row (a successful login clears that login's failures).
    await db.query(`
      CREATE FUNCTION sshid_uncount_attempt(p_bucket text, p_subject text, p_threshold integer, p_forget boolean)
      RETURNS void LANGUAGE sql AS $$
        DELETE FROM attempt_counters WHERE p_forget AND bucket = p_bucket AND subject = p_subject;
        UPDATE attempt_counters
           SET count = greatest(count - 1, 0),
               locked_until = CASE WHEN count - 1 < p_threshold THEN NULL ELSE locked_until END
         WHERE NOT p_forget AND bucket = p_bucket AND subject = p_subject;
      $$`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP FUNCTION sshid_uncount_attempt(text, text, integer, boolean)`);
    await db.query(`DROP FUNCTION sshid_count_attempt(text, text, integer, interval, interval, interval, uuid)`);
    await db.query(`DROP TABLE attempt_counters`);
  }
}
