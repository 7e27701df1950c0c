import { DIALECT_MODULES } from '../../src/dialects';
import { hasDialectShape } from '../support/dialect-shape';
import { startTestApp, TEST_PASSWORD, TestApp } from '../support/test-app';

/** Every way to present a password, on every dialect: [dialect, how to send login+password]. */
type Attempt = (login: string, password: string, address: string) => Promise<{ status: number; body: unknown; headers: Record<string, string> }>;

describe('one lockout for every password check (PostgreSQL-backed)', () => {
  let t: TestApp;
  const basic = (login: string, password: string) => `Basic ${Buffer.from(`${login}:${password}`).toString('base64')}`;
  let attempts: Record<string, Attempt>;

  beforeAll(async () => {
    t = await startTestApp(DIALECT_MODULES, { SSHID_TRUST_PROXY: '127.0.0.1' });
    attempts = {
      foreman: (login, password, address) =>
        t.http().get('/api/users').set('Authorization', basic(login, password)).set('X-Forwarded-For', address).then(shape),
      nexterm: (login, password, address) =>
        t.http().get('/api/identities/list').set('Authorization', basic(login, password)).set('X-Forwarded-For', address).then(shape),
      northflank: (login, password, address) =>
        t.http().get('/v1/integrations/ssh-identities').set('Authorization', basic(login, password)).set('X-Forwarded-For', address).then(shape),
      'nexterm login': (login, password, address) =>
        t.http().post('/api/auth/login').set('X-Forwarded-For', address).send({ username: login, password }).then(shape),
      'sshid login': (login, password, address) =>
        t.http().post('/api/sshid/v1/auth/login').set('X-Forwarded-For', address).send({ login, password }).then(shape),
      'sshid token through Basic': (login, password, address) =>
        t.http().post('/api/sshid/v1/tokens').set('Authorization', basic(login, password)).set('X-Forwarded-For', address)
          .send({ name: 'ci', permissions: ['identities.read'] }).then(shape),
    };
  });
  afterAll(() => t.close());

  function shape(response: { status: number; body: unknown; headers: Record<string, string> }) {
    return { status: response.status, body: response.body, headers: response.headers };
  }
  const dialectOf = (route: string) => (route.startsWith('foreman') ? 'foreman' : route.startsWith('northflank') ? 'northflank' : route.startsWith('nexterm') ? 'nexterm' : 'sshid');

  it('five wrong passwords spread over all dialects and two addresses lock the login everywhere, with Retry-After', async () => {
    await t.createUser('alice');
    const spread: [string, string][] = [['foreman', '203.0.113.1'], ['nexterm', '203.0.113.2'], ['northflank', '203.0.113.1'], ['nexterm login', '203.0.113.2'], ['sshid login', '203.0.113.1']];
    for (const [route, address] of spread) {
      const answer = await attempts[route]('alice', 'wrong-guess', address);
      expect([route, answer.status]).toEqual([route, 401]);
    }
    // Now even the right password, from an address that never failed, is refused before it is checked.
    const tokensBefore = await t.count('api_tokens');
    for (const route of Object.keys(attempts)) {
      const answer = await attempts[route]('alice', TEST_PASSWORD, '198.51.100.7');
      expect([route, answer.status]).toEqual([route, 429]);
      expect(hasDialectShape(dialectOf(route), 429, answer.body)).toBe(true);
      const retryAfter = Number(answer.headers['retry-after']);
      expect(retryAfter).toBeGreaterThan(0);
      expect(retryAfter).toBeLessThanOrEqual(30);
    }
    expect(await t.count('api_tokens')).toBe(tokensBefore);
  });

  it('doubles the lock with each failure after it, and a success clears the login (not the address)', async () => {
    await t.createUser('bruno');
    for (let i = 0; i < 5; i += 1) expect((await attempts.foreman('bruno', 'nope', '203.0.113.9')).status).toBe(401);
    const expire = () => t.dataSource.query(`UPDATE attempt_counters SET locked_until = now() - interval '1 second' WHERE bucket = 'login' AND subject = 'bruno'`);
    await expire();
    expect((await attempts.northflank('bruno', 'nope', '203.0.113.9')).status).toBe(401);
    const second = await attempts.northflank('bruno', TEST_PASSWORD, '203.0.113.9');
    expect(second.status).toBe(429);
    expect(Number(second.headers['retry-after'])).toBeGreaterThan(30);
    expect(Number(second.headers['retry-after'])).toBeLessThanOrEqual(60);
    await expire();
    // The address still holds bruno's six failures after his success; only his login starts afresh.
    expect((await attempts['sshid login']('BRUNO', TEST_PASSWORD, '203.0.113.9')).status).toBe(200);
    const rows = await t.dataSource.query(`SELECT bucket, subject, count FROM attempt_counters WHERE subject IN ('bruno', '203.0.113.9') ORDER BY bucket`);
    expect(rows).toEqual([{ bucket: 'address', subject: '203.0.113.9', count: 6 }]);
  });

  it('locks an address after 30 failures over any logins, without locking those logins elsewhere', async () => {
    await t.createUser('carol');
    const answers = await Promise.all(Array.from({ length: 30 }, (_, i) => attempts.foreman(`nobody${i}`, 'guess', '192.0.2.50')));
    expect(answers.map((a) => a.status)).toEqual(Array(30).fill(401));
    const fromThere = await attempts.nexterm('carol', TEST_PASSWORD, '192.0.2.50');
    expect(fromThere.status).toBe(429);
    expect(fromThere.body).toEqual({ code: 429, message: 'Too many requests. Please try again later.' });
    expect(Number(fromThere.headers['retry-after'])).toBeGreaterThan(800);
    expect((await attempts.nexterm('carol', TEST_PASSWORD, '192.0.2.51')).status).toBe(200);
    // The refused attempt was not counted against carol.
    expect(await t.dataSource.query(`SELECT count(*)::int AS n FROM attempt_counters WHERE subject = 'carol'`)).toEqual([{ n: 0 }]);
  });

  it('lets exactly the allowed number of parallel guesses reach the password check', async () => {
    await t.createUser('dora');
    const answers = await Promise.all(Array.from({ length: 25 }, (_, i) => attempts.foreman('dora', `guess-${i}`, `198.51.100.${i + 10}`)));
    const statuses = answers.map((a) => a.status).sort();
    expect(statuses.filter((s) => s === 401)).toHaveLength(5);
    expect(statuses.filter((s) => s === 429)).toHaveLength(20);
  });

  it('does not count a correctly signed API token in Basic, nor slow it with the lockout', async () => {
    const erin = await t.createUser('erin');
    const token = await t.apiToken(erin, ['identities.read']);
    for (let i = 0; i < 5; i += 1) await attempts.nexterm('erin', 'wrong', '203.0.113.30');
    expect((await attempts.nexterm('erin', TEST_PASSWORD, '203.0.113.30')).status).toBe(429);
    expect((await attempts.northflank('erin', token, '203.0.113.30')).status).toBe(200);
  });
});
