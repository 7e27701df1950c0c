import fc from 'fast-check';
import { DIALECT_MODULES } from '../../src/dialects';
import { User } from '../../src/users/user.entity';
import { publicKey } from '../fixtures/keys';
import { Dialect, hasDialectShape } from '../support/dialect-shape';
import { IDENTITY_AND_KEY_PERMISSIONS, startTestApp, TestApp, TEST_PASSWORD } from '../support/test-app';

/**
 * The classes of input that once gave 500s (the security review): NUL bytes, lone surrogates, deeply nested JSON and
 * long parenthesis chains, on every route that takes text, logged in or not. A 5xx is always a failure; a refusal
 * comes in the dialect's shape and stores nothing.
 */
const RUNS = Number(process.env.FUZZ_RUNS ?? 25);
const SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : process.env.CI ? 20261124 : undefined;
if (SEED !== undefined) fc.configureGlobal({ seed: SEED });

/** Text with one hostile piece somewhere inside: a NUL, or half of a surrogate pair. */
const hostileText = fc
  .tuple(fc.string({ maxLength: 12 }), fc.constantFrom('\u0000', '\ud800', '\udc00', 'a\u0000b', '\udbff'), fc.string({ maxLength: 12 }))
  .map(([before, bad, after]) => `${before}${bad}${after}`);

const nested = (depth: number) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
const nestedArray = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;


describe('hostile input classes on every route that takes text', () => {
  let t: TestApp;
  let user: User;
  let session: string;
  let token: string;
  let organizationId: number;

  beforeAll(async () => {
    t = await startTestApp(DIALECT_MODULES);
    user = await t.createUser('hostile');
    session = await t.sessionToken(user);
    token = await t.apiToken(user, IDENTITY_AND_KEY_PERMISSIONS);
    organizationId = (await t.createOrganization(user, 'Hostile Org')).id;
  });
  afterAll(() => t.close());

  const counts = async () => [await t.count('users'), await t.count('identities'), await t.count('public_keys'), await t.count('organizations'), await t.count('api_tokens'), await t.count('organization_members')];

  /** Sends, then checks: no 5xx, the dialect's shape on refusal, nothing stored by a refusal. */
  async function expectRefusedCleanly(dialect: Dialect, send: () => Promise<{ status: number; body: unknown; text: string }>, mayAnswer = false) {
    const before = await counts();
    const response = await send();
    expect({ status: response.status, text: response.text }).toEqual({ status: expect.any(Number), text: response.text });
    expect(response.status).toBeLessThan(500);
    // A lone surrogate cannot travel in a URL: the client sends U+FFFD instead, a valid search that may be answered.
    if (mayAnswer && response.status < 400) return;
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(hasDialectShape(dialect, response.status, response.body)).toBe(true);
    expect(await counts()).toEqual(before);
  }

  const json = (method: 'post' | 'put' | 'patch', path: string, body: string, auth?: string) => {
    const request = t.http()[method](path).set('Content-Type', 'application/json');
    return (auth ? request.set('Authorization', auth) : request).send(body);
  };
  const bearer = (value: string) => `Bearer ${value}`;

  /** Every text-taking route, with the hostile text in the field that reached the database before. */
  const ROUTES: Array<[string, Dialect, (bad: string) => Promise<{ status: number; body: unknown; text: string }>]> = [
    ['sshid login', 'sshid', (bad) => json('post', '/api/sshid/v1/auth/login', JSON.stringify({ login: bad, password: 'x' }))],
    ['Nexterm login', 'nexterm', (bad) => json('post', '/api/auth/login', JSON.stringify({ username: bad, password: 'x' }))],
    ['Basic header (Foreman)', 'foreman', (bad) => t.http().get(`/api/users/${user.id}/ssh_keys`).set('Authorization', `Basic ${Buffer.from(`${bad}:${TEST_PASSWORD}`).toString('base64')}`)],
    ['Basic header password (Northflank)', 'northflank', (bad) => t.http().get('/v1/integrations/ssh-identities').set('Authorization', `Basic ${Buffer.from(`hostile:${bad}`).toString('base64')}`)],
    ['Foreman key name', 'foreman', (bad) => json('post', `/api/users/${user.id}/ssh_keys`, JSON.stringify({ ssh_key: { name: bad, key: publicKey('ed25519') } }), bearer(session))],
    ['Foreman key comment', 'foreman', (bad) => json('post', `/api/users/${user.id}/ssh_keys`, JSON.stringify({ ssh_key: { name: 'k', key: `${publicKey('ed25519')} ${bad}` } }), bearer(session))],
    ['Foreman key search', 'foreman', (bad) => t.http().get(`/api/users/${user.id}/ssh_keys`).query({ search: `name = "${bad}"` }).set('Authorization', bearer(session))],
    ['Foreman user search', 'foreman', (bad) => t.http().get('/api/users').query({ search: `login = "${bad}"` }).set('Authorization', bearer(session))],
    ['Northflank key comment', 'northflank', (bad) => json('post', '/v1/integrations/ssh-identities', JSON.stringify({ name: 'hostile keys', sshPublicKeys: [{ key: `${publicKey('ed25519')} ${bad}` }] }), bearer(token))],
    ['Nexterm identity username', 'nexterm', (bad) => json('put', '/api/identities', JSON.stringify({ name: 'hostile identity', type: 'password', password: 'pw', username: bad }), bearer(session))],
    ['Nexterm identity name', 'nexterm', (bad) => json('put', '/api/identities', JSON.stringify({ name: `id ${bad}`, type: 'password', password: 'pw' }), bearer(session))],
    ['Nexterm organization name', 'nexterm', (bad) => json('put', '/api/organizations', JSON.stringify({ name: `org ${bad}` }), bearer(session))],
    ['Nexterm invite username', 'nexterm', (bad) => json('post', `/api/organizations/${organizationId}/invite`, JSON.stringify({ username: bad }), bearer(session))],
    ['sshid token name', 'sshid', (bad) => json('post', '/api/sshid/v1/tokens', JSON.stringify({ name: bad, permissions: ['identities.read'] }), bearer(session))],
    ['Nexterm API key name', 'nexterm', (bad) => json('post', '/api/accounts/api-keys', JSON.stringify({ name: `key ${bad}` }), bearer(session))],
  ];

  it.each(ROUTES)('%s: NUL bytes and lone surrogates are refused', async (route, dialect, send) => {
    const inQuery = route.endsWith('search');
    await fc.assert(
      fc.asyncProperty(hostileText, async (bad) => expectRefusedCleanly(dialect, () => send(bad), inQuery && !bad.includes('\u0000'))),
      { numRuns: RUNS },
    );
  });

  /** Bodies nested far deeper than any dialect's, sent to routes with and without a session. */
  const BODY_ROUTES: Array<[string, Dialect, 'post' | 'put' | 'patch', string, string | undefined]> = [
    ['sshid login', 'sshid', 'post', '/api/sshid/v1/auth/login', undefined],
    ['Nexterm login', 'nexterm', 'post', '/api/auth/login', undefined],
    ['Nexterm logout', 'nexterm', 'post', '/api/auth/logout', undefined],
    ['Nexterm device code', 'nexterm', 'post', '/api/auth/device/create', undefined],
    ['Northflank create', 'northflank', 'post', '/v1/integrations/ssh-identities', 'token'],
    ['Nexterm identity create', 'nexterm', 'put', '/api/identities', 'session'],
    ['Nexterm organization create', 'nexterm', 'put', '/api/organizations', 'session'],
    ['Foreman key create', 'foreman', 'post', '/api/users/:self/ssh_keys', 'session'],
    ['sshid import', 'sshid', 'post', '/api/sshid/v1/import', 'session'],
  ];

  it.each(BODY_ROUTES)('%s: deeply nested JSON is refused', async (_route, dialect, method, path, credential) => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 33, max: 20000 }), fc.boolean(), async (depth, arrays) => {
        const auth = credential === 'token' ? bearer(token) : credential === 'session' ? bearer(session) : undefined;
        await expectRefusedCleanly(dialect, () => json(method, path.replace(':self', String(user.id)), arrays ? `{"x":${nestedArray(depth)}}` : nested(depth), auth));
      }),
      { numRuns: Math.min(RUNS, 8) },
    );
  });

  // Up to 2000 levels: past about 16 kB of URL, Node's HTTP parser itself answers 431 before sshid sees the request.
  it('Foreman search: long parenthesis chains are refused, not recursed into', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 33, max: 2000 }), fc.boolean(), async (depth, closed) => {
        const search = `${'('.repeat(depth)}name = x${closed ? ')'.repeat(depth) : ''}`;
        const response = await t.http().get(`/api/users/${user.id}/ssh_keys`).query({ search }).set('Authorization', bearer(session));
        expect({ status: response.status, body: response.body }).toEqual({ status: 400, body: { error: { message: expect.stringMatching(/parentheses deeper than 32/), class: 'ScopedSearch::QueryNotSupported' } } });
      }),
      { numRuns: Math.min(RUNS, 10) },
    );
  });

  it('ordinary nesting and Unicode still pass (the limits refuse only what they must)', async () => {
    await json('post', '/v1/integrations/ssh-identities', JSON.stringify({ name: 'emoji keys', description: 'ok', sshPublicKeys: [{ key: `${publicKey('ed25519')} ключ-😀` }], restrictions: { tags: { enabled: true, items: ['prod'], matchCondition: 'and' } } }), bearer(token)).expect(200);
    await t.http().get(`/api/users/${user.id}/ssh_keys`).query({ search: '((name = x) or (name = y))' }).set('Authorization', bearer(session)).expect(200);
  });
});
