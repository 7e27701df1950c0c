import fc from 'fast-check';
import { DIALECT_MODULES } from '../../src/dialects';
import { User } from '../../src/users/user.entity';
import { keyFile, publicKey } from '../fixtures/keys';
import { Dialect, hasDialectShape } from '../support/dialect-shape';
import { startTestApp, TestApp, IDENTITY_AND_KEY_PERMISSIONS } from '../support/test-app';

/**
 * Random and mutated input at every write and search route: never a 500, always the dialect's error shape
 * (or a success), and nothing stored by a refused request.
 */
const RUNS = Number(process.env.FUZZ_RUNS ?? 60);
// CI replays one fixed seed so a run can be reproduced; locally every run explores new inputs (FUZZ_SEED replays one).
const SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : process.env.CI ? 20261123 : undefined;
if (SEED !== undefined) fc.configureGlobal({ seed: SEED });


const validKeys = ['rsa2048', 'ed25519', 'ecdsa256', 'sk-ed25519'].map(publicKey);

/** Keys that are almost right: a character changed, cut short, doubled, private, with options, or random text. */
const mutatedKey = fc.oneof(
  fc.string({ maxLength: 200 }),
  fc.constantFrom(...validKeys).chain((key) =>
    fc.oneof(
      fc.nat({ max: key.length - 1 }).map((i) => key.slice(0, i)),
      fc.tuple(fc.nat({ max: key.length - 1 }), fc.string({ minLength: 1, maxLength: 1 })).map(([i, c]) => key.slice(0, i) + c + key.slice(i + 1)),
      fc.constant(`${key}\n${key}`),
      fc.constant(`no-pty ${key}`),
      fc.constant(key.replace(/ .*? /, ' ')),
    ),
  ),
  fc.constant(keyFile('ed25519')),
  fc.constant('ssh-ed25519'),
);

const anyJson = fc.anything({ maxDepth: 3, withNullPrototype: false, withObjectString: false });
const text = fc.oneof(fc.string({ maxLength: 300 }), fc.string({ unit: 'grapheme', maxLength: 50 }), fc.constant(''), fc.constant('a'.repeat(5000)));

describe('bad input never breaks a route', () => {
  let t: TestApp;
  let user: User;
  let session: string;
  let token: string;
  let basic: string;

  beforeAll(async () => {
    t = await startTestApp(DIALECT_MODULES);
    user = await t.createUser('fuzz');
    session = await t.sessionToken(user);
    token = await t.apiToken(user, IDENTITY_AND_KEY_PERMISSIONS);
    basic = `Bearer ${token}`;
    await t.http().post('/v1/integrations/ssh-identities').set('Authorization', basic).send({ name: 'fuzz target' }).expect(200);
    await t.http().put('/api/identities').set('Authorization', `Bearer ${session}`).send({ name: 'nexterm target', type: 'password', password: 'pw-target' }).expect(200);
  });
  afterAll(() => t.close());

  /** Any value as a JSON body, sent as text so that bare numbers and strings go out as JSON too. */
  const json = (value: unknown) => JSON.stringify(value === undefined ? {} : value);

  async function tableCounts() {
    return { identities: await t.count('identities'), keys: await t.count('public_keys'), orgs: await t.count('organizations') };
  }

  /** Sends, checks status and shape, and that a refused request stored nothing. */
  async function probe(dialect: Dialect, send: () => Promise<{ status: number; body: any; text: string }>) {
    const before = await tableCounts();
    const response = await send();
    expect({ status: response.status, text: response.text }).toEqual({ status: expect.any(Number), text: response.text });
    expect(response.status).not.toBe(500);
    expect(response.status).toBeLessThan(500);
    expect(hasDialectShape(dialect, response.status, response.body)).toBe(true);
    if (response.status >= 400) expect(await tableCounts()).toEqual(before);
    return response;
  }

  it('Foreman POST ssh_keys with random names and mutated keys', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(text, anyJson), mutatedKey, fc.boolean(), async (name, key, wrapped) => {
        const body = wrapped ? { ssh_key: { name, key } } : { name, key };
        const response = await probe('foreman', () => t.http().post(`/api/users/${user.id}/ssh_keys`).set('Authorization', basic).set('Content-Type', 'application/json').send(json(body)));
        if (response.status === 201) await t.http().delete(`/api/users/${user.id}/ssh_keys/${response.body.id}`).set('Authorization', basic).expect(200);
      }),
      { numRuns: RUNS },
    );
  });

  it('Foreman index with random search, order and paging', async () => {
    const searchText = fc.oneof(
      text,
      fc.array(fc.constantFrom('name', 'id', 'user_id', 'fingerprint', '=', '!=', '~', '!~', '>', '<', '^', 'and', 'or', 'not', '(', ')', '"x y"', "'q'", 'null?', 'set?', '5', 'abc', ',', '%', '*', ';', '--'), { maxLength: 8 }).map((parts) => parts.join(' ')),
    );
    await fc.assert(
      fc.asyncProperty(searchText, fc.option(text), fc.option(fc.oneof(text, fc.integer().map(String))), fc.option(fc.oneof(text, fc.integer().map(String), fc.constant('all'))), async (search, order, page, perPage) => {
        const query: Record<string, string> = { search };
        if (order !== null) query.order = order;
        if (page !== null) query.page = page;
        if (perPage !== null) query.per_page = perPage;
        await probe('foreman', () => t.http().get(`/api/users/${user.id}/ssh_keys`).query(query).set('Authorization', basic));
      }),
      { numRuns: RUNS },
    );
  });

  it('Foreman show and delete with random ids and user ids', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(text, fc.integer().map(String)), fc.oneof(fc.constant(String(user.id)), fc.integer().map(String), fc.string({ minLength: 1, maxLength: 20 })), async (id, userRef) => {
        const path = `/api/users/${encodeURIComponent(userRef)}/ssh_keys/${encodeURIComponent(id || 'x')}`;
        await probe('foreman', () => t.http().get(path).set('Authorization', basic));
        await probe('foreman', () => t.http().delete(path).set('Authorization', basic));
      }),
      { numRuns: RUNS },
    );
  });

  it('Northflank POST, PUT and PATCH with random bodies', async () => {
    const body = fc.oneof(
      anyJson,
      fc.record(
        {
          name: fc.oneof(text, anyJson),
          description: fc.oneof(text, anyJson),
          sshPublicKeys: fc.oneof(fc.array(fc.record({ key: fc.oneof(mutatedKey, anyJson) }), { maxLength: 3 }), anyJson),
          restrictions: fc.oneof(anyJson, fc.record({ projects: anyJson, tags: fc.record({ enabled: anyJson, items: anyJson, matchCondition: anyJson }) })),
        },
        { requiredKeys: [] },
      ),
    );
    await fc.assert(
      fc.asyncProperty(body, fc.constantFrom('post', 'put', 'patch'), fc.oneof(fc.constant('fuzz-target'), text.filter((s) => s.length > 0)), async (payload, method, id) => {
        const path = method === 'post' ? '/v1/integrations/ssh-identities' : `/v1/integrations/ssh-identities/${encodeURIComponent(id)}`;
        const response = await probe('northflank', () => (t.http() as any)[method](path).set('Authorization', basic).set('Content-Type', 'application/json').send(json(payload)));
        if (response.status === 200 && method !== 'patch' && response.body.data.id !== 'fuzz-target') {
          await t.http().delete(`/v1/integrations/ssh-identities/${response.body.data.id}`).set('Authorization', basic).expect(200);
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('Northflank list and match with random paging, cursors and fingerprints', async () => {
    await fc.assert(
      fc.asyncProperty(fc.option(text), fc.option(text), fc.option(text), fc.option(text), async (perPage, page, cursor, fingerprint) => {
        const query: Record<string, string> = {};
        if (perPage !== null) query.per_page = perPage;
        if (page !== null) query.page = page;
        if (cursor !== null) query.cursor = cursor;
        await probe('northflank', () => t.http().get('/v1/integrations/ssh-identities').query(query).set('Authorization', basic));
        await probe('sshid', () => t.http().get('/api/sshid/v1/identities/match').query({ fingerprint: fingerprint ?? '', tags: cursor ?? '' }).set('Authorization', basic));
      }),
      { numRuns: RUNS },
    );
  });

  it('Nexterm create, update and move with random bodies and ids', async () => {
    const body = fc.oneof(
      anyJson,
      fc.record(
        {
          name: fc.oneof(text, anyJson),
          type: fc.oneof(fc.constantFrom('password', 'ssh', 'both', 'password-only'), anyJson),
          username: fc.oneof(text, anyJson),
          password: fc.oneof(text, anyJson),
          sshKey: fc.oneof(mutatedKey, fc.constant(keyFile('rsa-pem-encrypted')), anyJson),
          passphrase: fc.oneof(text, anyJson),
          organizationId: fc.oneof(fc.integer(), text, anyJson),
        },
        { requiredKeys: [] },
      ),
    );
    await fc.assert(
      fc.asyncProperty(body, fc.constantFrom('put', 'patch', 'move', 'delete'), fc.oneof(fc.integer().map(String), text.filter((s) => s.length > 0)), async (payload, action, id) => {
        const auth = `Bearer ${session}`;
        const encoded = encodeURIComponent(id);
        const send =
          action === 'put' ? () => t.http().put('/api/identities').set('Authorization', auth).set('Content-Type', 'application/json').send(json(payload))
          : action === 'patch' ? () => t.http().patch(`/api/identities/${encoded}`).set('Authorization', auth).set('Content-Type', 'application/json').send(json(payload))
          : action === 'move' ? () => t.http().post(`/api/identities/${encoded}/move`).set('Authorization', auth).set('Content-Type', 'application/json').send(json(payload))
          : () => t.http().delete(`/api/identities/${encoded}x`).set('Authorization', auth);
        const response = await probe('nexterm', send);
        if (action === 'put' && response.status === 200) await t.http().delete(`/api/identities/${response.body.id}`).set('Authorization', auth).expect(200);
      }),
      { numRuns: RUNS },
    );
  });

  it('oversized and malformed JSON bodies get the dialect shape', async () => {
    const big = JSON.stringify({ name: 'x'.repeat(2 * 1024 * 1024) });
    for (const [dialect, method, path] of [
      ['foreman', 'post', `/api/users/${user.id}/ssh_keys`],
      ['northflank', 'post', '/v1/integrations/ssh-identities'],
      ['nexterm', 'put', '/api/identities'],
    ] as const) {
      for (const payload of [big, '{"name":', '[1,2', 'null', '"text"', '\u0000']) {
        await probe(dialect, () => (t.http() as any)[method](path).set('Authorization', basic).set('Content-Type', 'application/json').send(payload));
      }
    }
  });
});
