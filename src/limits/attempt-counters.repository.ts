import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { GenerateSql } from '../database/generate-sql';

export type AttemptBucket = 'login' | 'address' | 'device_create' | 'invite';

/** How a bucket counts: `threshold` attempts per `windowSeconds`, then a lock of `baseSeconds` doubling up to `maxLockSeconds`. */
export interface AttemptPolicy {
  threshold: number;
  windowSeconds: number;
  baseSeconds: number;
  maxLockSeconds: number;
}

/** At most `limit` attempts per window; past that, refused until a window after the last counted attempt. */
export function windowPolicy(limit: number, windowSeconds: number): AttemptPolicy {
  return { threshold: limit, windowSeconds, baseSeconds: windowSeconds, maxLockSeconds: windowSeconds };
}

export interface CountedAttempt {
  bucket: AttemptBucket;
  subject: string;
  /** False when a lock refused the attempt (it was not counted). */
  counted: boolean;
  count: number;
  retryAfterSeconds: number;
  windowSecondsLeft: number;
}

/**
 * Attempt counters shared by every instance, kept in PostgreSQL (`attempt_counters`). The counting rule itself is
 * the SQL function `sshid_count_attempt` (migration AttemptCounters1764100000000), so concurrent attempts on one
 * subject are serialised by the row lock.
 */
@Injectable()
export class AttemptCountersRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Counts one attempt in each bucket, in one round trip. */
  @GenerateSql({
    name: 'a password attempt: login and address',
    params: () => ['00000000-0000-4000-8000-000000000000', [{ bucket: 'login', subject: 'sql', policy: { threshold: 5, windowSeconds: 900, baseSeconds: 30, maxLockSeconds: 900 } }, { bucket: 'address', subject: '192.0.2.1', policy: { threshold: 5, windowSeconds: 900, baseSeconds: 30, maxLockSeconds: 900 } }]],
  })
  async count(attempt: string, entries: { bucket: AttemptBucket; subject: string; policy: AttemptPolicy }[]): Promise<CountedAttempt[]> {
    const params: unknown[] = [attempt];
    const selects = entries.map(({ bucket, subject, policy }, index) => {
      params.push(bucket, subject, policy.threshold, `${policy.windowSeconds} seconds`, `${policy.baseSeconds} seconds`, `${policy.maxLockSeconds} seconds`);
      const p = (offset: number) => `$${params.length - 6 + offset}`;
      return `SELECT ${index} AS position, * FROM sshid_count_attempt(${p(1)}, ${p(2)}, ${p(3)}::integer, ${p(4)}::interval, ${p(5)}::interval, ${p(6)}::interval, $1::uuid)`;
    });
    const rows: { position: number; counted: boolean; count: number; retry_after_seconds: number; window_seconds_left: number }[] = await this.dataSource.query(
      selects.join(' UNION ALL '),
      params,
    );
    return rows
      .sort((a, b) => a.position - b.position)
      .map((row) => ({
        bucket: entries[row.position].bucket,
        subject: entries[row.position].subject,
        counted: row.counted,
        count: row.count,
        retryAfterSeconds: row.retry_after_seconds,
        windowSecondsLeft: row.window_seconds_left,
      }));
  }

  /** Counts one attempt in one bucket. */
  async countOne(bucket: AttemptBucket, subject: string, policy: AttemptPolicy): Promise<CountedAttempt> {
    const [counted] = await this.count(randomUUID(), [{ bucket, subject, policy }]);
    return counted;
  }

  /** Takes counted attempts back; `forget` clears the subject's row altogether. */
  @GenerateSql({ name: 'a correct password', params: () => [[{ bucket: 'login', subject: 'sql', threshold: 5, forget: true }, { bucket: 'address', subject: '192.0.2.1', threshold: 30, forget: false }]] })
  async uncount(entries: { bucket: AttemptBucket; subject: string; threshold: number; forget: boolean }[]): Promise<void> {
    if (entries.length === 0) return;
    const params: unknown[] = [];
    const calls = entries.map(({ bucket, subject, threshold, forget }) => {
      params.push(bucket, subject, threshold, forget);
      const n = params.length;
      return `sshid_uncount_attempt($${n - 3}, $${n - 2}, $${n - 1}::integer, $${n}::boolean)`;
    });
    await this.dataSource.query(`SELECT ${calls.join(', ')}`, params);
  }

  /** Drops rows whose window and lock are both long over. */
  @GenerateSql({ name: 'hourly', params: () => [3600] })
  async sweep(olderThanSeconds: number): Promise<void> {
    await this.dataSource.query(
      `DELETE FROM attempt_counters
        WHERE window_started_at < now() - make_interval(secs => $1) AND (locked_until IS NULL OR locked_until < now())`,
      [olderThanSeconds],
    );
  }
}
