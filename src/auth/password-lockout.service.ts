import { randomUUID } from 'node:crypto';
import { Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { TooManyAttemptsError, UnauthenticatedError } from '../common/domain-errors';
import { AppConfig } from '../config/app-config';
import { AttemptCountersRepository, AttemptPolicy, windowPolicy } from '../limits/attempt-counters.repository';

/** A login's failures are remembered this long from its first one (unless a success clears them sooner). */
const LOGIN_MEMORY_SECONDS = 24 * 3600;

/**
 * One guard for every place a password is checked — both login routes and HTTP Basic on every dialect — counting
 * failures per login and per client address together, in PostgreSQL so every instance sees the same counts.
 *
 * - Per login: SSHID_LOCKOUT_LOGIN_FAILURES failures, then a lock of SSHID_LOCKOUT_BASE_SECONDS that doubles with
 *   each further failure up to SSHID_LOCKOUT_MAX_SECONDS. The lock is bounded, so an attacker can slow a real user
 *   down but never shut them out for longer than that; a success clears the login's failures.
 * - Per address: SSHID_LOCKOUT_ADDRESS_FAILURES failures over all logins within SSHID_LOCKOUT_WINDOW_SECONDS lock the
 *   address for a window. A success takes back only its own attempt: other logins' failures from the address stay.
 *
 * Every attempt is counted before the password is checked and taken back when it succeeds, so parallel guesses
 * cannot all slip in before the first failure is recorded.
 */
@Injectable()
export class PasswordLockoutService implements OnModuleInit, OnModuleDestroy {
  private readonly loginPolicy: AttemptPolicy;
  private readonly addressPolicy: AttemptPolicy;
  private sweeper?: NodeJS.Timeout;

  constructor(
    private readonly counters: AttemptCountersRepository,
    config: AppConfig,
  ) {
    this.loginPolicy = {
      threshold: config.SSHID_LOCKOUT_LOGIN_FAILURES,
      windowSeconds: LOGIN_MEMORY_SECONDS,
      baseSeconds: config.SSHID_LOCKOUT_BASE_SECONDS,
      maxLockSeconds: config.SSHID_LOCKOUT_MAX_SECONDS,
    };
    this.addressPolicy = windowPolicy(config.SSHID_LOCKOUT_ADDRESS_FAILURES, config.SSHID_LOCKOUT_WINDOW_SECONDS);
  }

  onModuleInit(): void {
    this.sweeper = setInterval(() => void this.counters.sweep(2 * LOGIN_MEMORY_SECONDS).catch(() => undefined), 10 * 60_000);
    this.sweeper.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.sweeper);
  }

  /**
   * Runs `check` (which verifies a password and throws UnauthenticatedError 'invalid' when it is wrong) unless the
   * login or the address is locked; throws TooManyAttemptsError then, without calling `check`.
   */
  async guard<T>(login: string, address: string | undefined, check: () => Promise<T>): Promise<T> {
    const subjects = [
      { bucket: 'login' as const, subject: login.toLowerCase().slice(0, 300) || '(empty)', policy: this.loginPolicy },
      { bucket: 'address' as const, subject: (address ?? 'unknown').slice(0, 300), policy: this.addressPolicy },
    ];
    const takeBack = (taken: typeof subjects, forgetLogin: boolean) =>
      this.counters.uncount(taken.map((s) => ({ bucket: s.bucket, subject: s.subject, threshold: s.policy.threshold, forget: forgetLogin && s.bucket === 'login' })));
    // Results come in the order of the subjects.
    const results = await this.counters.count(randomUUID(), subjects);
    const refused = results.filter((r) => !r.counted);
    if (refused.length > 0) {
      await takeBack(subjects.filter((_, i) => results[i].counted), false);
      throw new TooManyAttemptsError(Math.max(...refused.map((r) => r.retryAfterSeconds)));
    }
    try {
      const value = await check();
      // Right password: the login starts afresh; the address keeps other logins' failures.
      await takeBack(subjects, true);
      return value;
    } catch (error) {
      const wrongPassword = error instanceof UnauthenticatedError && error.reason === 'invalid';
      if (!wrongPassword) await takeBack(subjects, false).catch(() => undefined);
      throw error;
    }
  }
}
