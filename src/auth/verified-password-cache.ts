import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { ExpiringMap } from '../common/expiring-map';

/**
 * Passwords recently verified over HTTP Basic, so clients that send a password on every request (hammer, CI
 * scripts) pay argon2id once per TTL instead of on each request. Holds, per login, a keyed hash (HMAC under a key
 * made at start and never stored) of the login, the password and the user's current password hash — never the
 * password. A changed password changes the stored hash, so an entry can never match after a change, on any instance;
 * a disabled or deleted user is refused by the fresh user row read on every request; a failed attempt for the login
 * drops its entry.
 */
export class VerifiedPasswordCache {
  private readonly key = randomBytes(32);
  private readonly digests: ExpiringMap<Buffer>;
  /** Checks under way, by digest: the same login and password arriving again meanwhile waits for that check. */
  private readonly inFlight = new Map<string, Promise<unknown>>();

  constructor(
    private readonly ttlMs: number,
    maxEntries = 10_000,
  ) {
    this.digests = new ExpiringMap(maxEntries);
  }

  private digest(login: string, password: string, passwordHash: string): Buffer {
    return createHmac('sha256', this.key).update(login.toLowerCase()).update('\0').update(password).update('\0').update(passwordHash).digest();
  }

  /** Whether this password was verified for this login, against this very password hash, within the TTL. */
  holds(login: string, password: string, passwordHash: string): boolean {
    if (this.ttlMs <= 0) return false;
    const remembered = this.digests.get(login.toLowerCase());
    return remembered !== undefined && timingSafeEqual(remembered, this.digest(login, password, passwordHash));
  }

  remember(login: string, password: string, passwordHash: string): void {
    if (this.ttlMs <= 0) return;
    this.digests.set(login.toLowerCase(), this.digest(login, password, passwordHash), Date.now() + this.ttlMs);
  }

  /**
   * Runs `check` once for concurrent requests carrying the same login and password (and password hash): a client
   * opening many connections at once with a password it has not used yet (a CI job's parallel calls) costs one
   * argon2id and one lockout count, instead of as many as there are connections — which would also run past the
   * lockout's allowance and refuse a correct password with 429.
   */
  once<T>(login: string, password: string, passwordHash: string, check: () => Promise<T>): Promise<T> {
    const id = this.digest(login, password, passwordHash).toString('base64');
    const running = this.inFlight.get(id) as Promise<T> | undefined;
    if (running) return running;
    const started = check().finally(() => this.inFlight.delete(id));
    this.inFlight.set(id, started);
    return started;
  }

  forget(login: string): void {
    this.digests.delete(login.toLowerCase());
  }
}
