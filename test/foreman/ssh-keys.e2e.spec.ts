import { ForemanModule } from '../../src/foreman/foreman.module';
import { User } from '../../src/users/user.entity';
import { foremanPublished, freshEd25519PublicKey, keyFile, publicKey, sshKeygenFingerprints } from '../fixtures/keys';
import { startTestApp, TestApp, TEST_PASSWORD } from '../support/test-app';

const basic = (login: string, secret: string) => `Basic ${Buffer.from(`${login}:${secret}`).toString('base64')}`;
const padded = (fp: string) => fp.replace(/^SHA256:/, '') + '=';

describe('Foreman dialect: /api/users/:user_id/ssh_keys', () => {
  let t: TestApp;
  let alice: User;
  let bob: User;
  let admin: User;
  let aliceAuth: string;
  let bobAuth: string;
  let adminAuth: string;

  beforeAll(async () => {
    t = await startTestApp([ForemanModule]);
    alice = await t.createUser('alice');
    bob = await t.createUser('bob');
    admin = await t.createUser('admin', { isAdmin: true });
    aliceAuth = basic('alice', TEST_PASSWORD);
    bobAuth = `Bearer ${await t.sessionToken(bob)}`;
    adminAuth = basic('admin', TEST_PASSWORD);
  });
  afterAll(() => t.close());

  const create = (userRef: string | number, body: unknown, auth = aliceAuth, prefix = '/api') =>
    t.http().post(`${prefix}/users/${userRef}/ssh_keys`).set('Authorization', auth).send(body as object);

  describe('POST /api/users/:user_id/ssh_keys', () => {
    it("answers 201 with Foreman's published fingerprint and length for the RSA example", async () => {
      const { key, fingerprint, length } = foremanPublished.rsa2048;
      const response = await create(alice.id, { ssh_key: { name: 'published rsa', key } }).expect(201);
      expect(response.body).toEqual({
        created_at: expect.stringMatching(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$/),
        updated_at: expect.stringMatching(/ UTC$/),
        id: expect.any(Number),
        name: 'published rsa',
        key,
        length,
        fingerprint,
      });
      expect(Object.keys(response.body)).toEqual(['created_at', 'updated_at', 'id', 'name', 'key', 'length', 'fingerprint']);
    });

    it("answers Foreman's published fingerprint and length 520 for the ECDSA nistp256 example", async () => {
      const { key, fingerprint, length } = foremanPublished.ecdsa256;
      const response = await create(alice.id, { name: 'published ecdsa', key }).expect(201);
      expect(response.body).toMatchObject({ fingerprint, length: 520 });
      expect(length).toBe(520);
    });

    it('accepts a flat body and the /api/v2 prefix, and strips the trailing newline of a key file', async () => {
      const response = await create(`${alice.id}-alice`, { name: 'flat', key: `${publicKey('ed25519')}\n` }, aliceAuth, '/api/v2').expect(201);
      expect(response.body.key).toBe(publicKey('ed25519'));
      expect(response.body.fingerprint).toBe(padded(sshKeygenFingerprints.ed25519.sha256));
    });

    it('reads a number as text, as Rails does, and takes the wrapped attributes over flat ones sent beside them', async () => {
      const response = await create(alice.id, { ssh_key: { name: 2027, key: freshEd25519PublicKey() }, name: 'flat loses', extra: true }).expect(201);
      expect(response.body.name).toBe('2027');
      const blank = await create(alice.id, { ssh_key: { name: ['list'], key: freshEd25519PublicKey() } }).expect(422);
      expect(blank.body.error.errors.name).toEqual(["can't be blank"]);
    });

    it.each([
      [
        'a random string',
        { name: 'x', key: 'wrong format' },
        { key: ['is not a valid public ssh key', 'must be in OpenSSH public key format'], fingerprint: ['could not be generated'], length: ['could not be calculated'] },
      ],
      [
        'a typed key with broken data',
        { name: 'x', key: 'ssh-rsa 1234567' },
        { key: ['is not a valid public ssh key'], length: ['could not be calculated'] },
      ],
      [
        'two lines',
        { name: 'x', key: 'abc\ndef' },
        {
          key: ['is not a valid public ssh key', 'must be in OpenSSH public key format', 'should be a single line'],
          fingerprint: ['could not be generated'],
          length: ['could not be calculated'],
        },
      ],
      [
        'no key',
        { name: 'x' },
        { key: ["can't be blank", 'must be in OpenSSH public key format'], fingerprint: ['could not be generated'], length: ['could not be calculated'] },
      ],
      [
        'an empty key',
        { name: 'x', key: '' },
        {
          key: ["can't be blank", 'is not a valid public ssh key', 'must be in OpenSSH public key format'],
          fingerprint: ['could not be generated'],
          length: ['could not be calculated'],
        },
      ],
      ['a blank name', { name: '  ', key: publicKey('ecdsa384') }, { name: ["can't be blank"] }],
      ['a 300-character name', { name: 'n'.repeat(300), key: publicKey('ecdsa384') }, { name: ['is too long (maximum is 255 characters)'] }],
    ])('refuses %s with 422 and the messages in order', async (_what, body, errors) => {
      const before = await t.count('public_keys');
      const response = await create(alice.id, body).expect(422);
      expect(response.body.error.id).toBeNull();
      expect(response.body.error.errors).toEqual(errors);
      const humanised: Record<string, string> = { key: 'Key', name: 'Name', fingerprint: 'Fingerprint', length: 'Length' };
      expect(response.body.error.full_messages).toEqual(
        Object.entries(errors).flatMap(([field, messages]) => messages.map((m) => `${humanised[field]} ${m}`)),
      );
      expect(await t.count('public_keys')).toBe(before);
    });

    it('refuses the same key twice for one user (even with another comment) but allows it for another user', async () => {
      const [type, data] = freshEd25519PublicKey().split(' ');
      await create(alice.id, { name: 'twice', key: `${type} ${data} first` }).expect(201);
      const again = await create(alice.id, { name: 'twice again', key: `${type} ${data} second` }).expect(422);
      expect(again.body.error.errors).toEqual({ fingerprint: ['has already been taken'] });
      expect(again.body.error.full_messages).toEqual(['Fingerprint has already been taken']);
      // With another problem, the repeat is reported beside it, in Foreman's order.
      const blank = await create(alice.id, { name: '', key: `${type} ${data}` }).expect(422);
      expect(blank.body.error.full_messages).toEqual(["Name can't be blank", 'Fingerprint has already been taken']);
      await create(bob.id, { name: 'twice', key: `${type} ${data}` }, bobAuth).expect(201);
    });

    it('refuses a private key', async () => {
      const response = await create(alice.id, { name: 'oops', key: keyFile('rsa2048') }).expect(422);
      expect(response.body.error.errors.key).toContain('is not a valid public ssh key');
    });

    it('answers 422 for a user that does not exist', async () => {
      const response = await create(99999, { name: 'x', key: publicKey('rsa4096') }, adminAuth).expect(422);
      expect(response.body).toEqual({ error: { message: "Couldn't find User with 'id'=99999" } });
    });

    it("refuses to add a key to another user's account without create_ssh_keys", async () => {
      const response = await create(bob.id, { name: 'x', key: publicKey('rsa4096') }).expect(403);
      expect(response.body).toEqual({
        error: { message: 'Access denied', details: 'Missing one of the required permissions: create_ssh_keys', missing_permissions: ['create_ssh_keys'] },
      });
    });

    it('answers 415 for a body that is not sent as JSON', async () => {
      const response = await t.http().post(`/api/users/${alice.id}/ssh_keys`).set('Authorization', aliceAuth).set('Content-Type', 'text/plain').send('name=x').expect(415);
      expect(response.body.error.message).toBe(
        "Media type in 'Content-Type: text/plain' is unsupported in API v2 for POST and PUT requests. Please use 'Content-Type: application/json'.",
      );
    });

    it('answers 400 in its own shape for a body that is not JSON', async () => {
      const response = await t.http().post(`/api/users/${alice.id}/ssh_keys`).set('Authorization', aliceAuth).set('Content-Type', 'application/json').send('{"ssh_key":').expect(400);
      expect(response.body.status).toBe(400);
      expect(response.body.error).toMatch(/^There was a problem in the JSON you submitted: /);
    });
  });

  describe('GET /api/users/:user_id/ssh_keys', () => {
    let carol: User;
    let carolAuth: string;
    const names = ['laptop', 'desktop', 'build server', 'Laptop backup', 'ci'];

    beforeAll(async () => {
      carol = await t.createUser('carol');
      carolAuth = basic('carol', TEST_PASSWORD);
      const files = ['rsa2048', 'ed25519', 'ecdsa256', 'ecdsa521', 'sk-ed25519'];
      for (const [index, name] of names.entries()) {
        await create(carol.id, { name, key: publicKey(files[index]) }, carolAuth).expect(201);
      }
    });

    const index = (query: Record<string, string>, auth = carolAuth) =>
      t.http().get(`/api/users/${carol.id}/ssh_keys`).query(query).set('Authorization', auth);

    it('lists with Foreman\'s envelope and defaults', async () => {
      const response = await index({}).expect(200);
      expect(Object.keys(response.body)).toEqual(['total', 'subtotal', 'page', 'per_page', 'search', 'sort', 'results']);
      expect(response.body).toMatchObject({ total: 5, subtotal: 5, page: 1, per_page: 20, search: null, sort: { by: null, order: null } });
      expect(response.body.results.map((k: { name: string }) => k.name)).toEqual(names);
      expect(response.headers['foreman_api_version']).toBe('2');
    });

    it('paginates and returns everything with per_page=all', async () => {
      const second = await index({ per_page: '2', page: '2' }).expect(200);
      expect(second.body).toMatchObject({ page: 2, per_page: 2, total: 5 });
      expect(second.body.results.map((k: { name: string }) => k.name)).toEqual(['build server', 'Laptop backup']);
      const all = await index({ per_page: 'all' }).expect(200);
      expect(all.body.per_page).toBe(5);
      expect(all.body.results).toHaveLength(5);
    });

    it('answers 400 (not 500) for page=0 and a negative per_page, and an empty page for per_page=abc', async () => {
      expect((await index({ page: '0' }).expect(400)).body.error.message).toMatch(/page/);
      expect((await index({ per_page: '-5' }).expect(400)).body.error.message).toMatch(/per_page/);
      const response = await index({ per_page: 'abc' }).expect(200);
      expect(response.body).toMatchObject({ per_page: 0, results: [] });
    });

    it.each([
      ['free text (contains, any case)', 'laptop', ['laptop', 'Laptop backup']],
      ['=', 'name = laptop', ['laptop']],
      ['= with a quoted value', 'name = "build server"', ['build server']],
      ['!=', 'name != laptop', ['desktop', 'build server', 'Laptop backup', 'ci']],
      ['~', 'name ~ top', ['laptop', 'desktop', 'Laptop backup']],
      ['~ with a wildcard', 'name ~ "l*p"', ['laptop', 'Laptop backup']],
      ['!~', 'name !~ top', ['build server', 'ci']],
      ['and', 'name ~ top and name ~ back', ['Laptop backup']],
      ['implicit and', 'name ~ top name ~ desk', ['desktop']],
      ['or', 'name = ci or name = desktop', ['desktop', 'ci']],
      ['not', 'not name ~ top', ['build server', 'ci']],
      ['parentheses', '(name = ci or name = laptop) and not name = ci', ['laptop']],
      ['^ (in)', 'name ^ (ci, desktop)', ['desktop', 'ci']],
      ['set?', 'set? name', names],
    ])('searches with %s', async (_what, search, expected) => {
      const response = await index({ search, per_page: 'all' }).expect(200);
      expect(response.body.results.map((k: { name: string }) => k.name)).toEqual(expected);
      expect(response.body.subtotal).toBe(expected.length);
      expect(response.body.total).toBe(5);
      expect(response.body.search).toBe(search);
    });

    it('searches by id with > and <', async () => {
      const all = (await index({ per_page: 'all' })).body.results as Array<{ id: number; name: string }>;
      const response = await index({ search: `id > ${all[1].id} and id < ${all[4].id}` }).expect(200);
      expect(response.body.results.map((k: { name: string }) => k.name)).toEqual(['build server', 'Laptop backup']);
      const byUser = await index({ search: `user_id = ${carol.id}` }).expect(200);
      expect(byUser.body.subtotal).toBe(5);
    });

    it.each([
      ['an unknown field', 'fingerprint = abc', "Field 'fingerprint' not recognized for searching!"],
      ['a non-integer id', 'id = abc', "Value 'abc' is not valid for field 'id'"],
      ['like on an integer', 'id ~ 5', "the operator 'like' is not supported for field type 'integer'"],
      ['a dangling operator', 'name =', 'Value expected but found end of input'],
    ])('answers 400 for %s', async (_what, search, message) => {
      const response = await index({ search }).expect(400);
      expect(response.body).toEqual({ error: { message, class: 'ScopedSearch::QueryNotSupported' } });
    });

    it('treats SQL in a search as plain text', async () => {
      const response = await index({ search: `name = "x' OR '1'='1"` }).expect(200);
      expect(response.body.results).toEqual([]);
      expect(await t.count('public_keys')).toBeGreaterThan(0);
    });

    it('escapes <, > and & in the echoed search', async () => {
      const response = await index({ search: 'name = "<b>&"' }).expect(200);
      expect(response.text).toContain('"search":"name = \\"\\u003cb\\u003e\\u0026\\""');
    });

    it('orders by a search field in either direction', async () => {
      const asc = await index({ order: 'name' }).expect(200);
      expect(asc.body.sort).toEqual({ by: 'name', order: 'ASC' });
      expect(asc.body.results.map((k: { name: string }) => k.name)).toEqual([...names].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
      const desc = await index({ order: 'id desc' }).expect(200);
      expect(desc.body.sort).toEqual({ by: 'id', order: 'desc' });
      expect(desc.body.results.map((k: { name: string }) => k.name)).toEqual([...names].reverse());
    });

    it('refuses to order by a field that cannot be searched', async () => {
      const response = await index({ order: 'created_at DESC' }).expect(400);
      expect(response.body.error.message).toBe("the field 'created_at' in the order statement is not valid field for search");
      // Names every JavaScript object has are not fields either.
      await index({ order: 'toString' }).expect(400);
      await index({ search: 'constructor = x' }).expect(400);
    });

    it("refuses another user's list without view_ssh_keys, and lets an admin read it", async () => {
      const denied = await index({}, aliceAuth).expect(403);
      expect(denied.body.error.missing_permissions).toEqual(['view_ssh_keys']);
      const allowed = await index({}, adminAuth).expect(200);
      expect(allowed.body.total).toBe(5);
    });

    it('lets a user granted view_ssh_keys read another user\'s keys', async () => {
      const viewer = await t.createUser('viewer', { permissions: ['ssh_keys.view'] });
      const response = await index({}, `Bearer ${await t.sessionToken(viewer)}`).expect(200);
      expect(response.body.total).toBe(5);
    });
  });

  describe('GET and DELETE /api/users/:user_id/ssh_keys/:id', () => {
    it('shows a key by id, by to_param and by name', async () => {
      const created = await create(alice.id, { name: 'user4@example.com', key: publicKey('ecdsa384') }).expect(201);
      const id = created.body.id as number;
      for (const ref of [String(id), `${id}-user4example-com`, encodeURIComponent('user4@example.com')]) {
        const response = await t.http().get(`/api/users/${alice.id}/ssh_keys/${ref}`).set('Authorization', aliceAuth).expect(200);
        expect(response.body).toEqual(created.body);
      }
      await t.http().get(`/api/v2/users/${alice.id}-alice/ssh_keys/${id}`).set('Authorization', aliceAuth).expect(200);
    });

    it("answers 404 for another user's key id, without leaking it", async () => {
      const bobKey = await create(bob.id, { name: 'bob secret key', key: publicKey('ecdsa521') }, bobAuth).expect(201);
      const response = await t.http().get(`/api/users/${alice.id}/ssh_keys/${bobKey.body.id}`).set('Authorization', aliceAuth).expect(404);
      expect(response.body).toEqual({ error: { message: `Resource ssh_key not found by id '${bobKey.body.id}'` } });
      expect(response.text).not.toContain('bob secret key');
      await t.http().delete(`/api/users/${alice.id}/ssh_keys/${bobKey.body.id}`).set('Authorization', aliceAuth).expect(404);
      await t.http().get(`/api/users/${bob.id}/ssh_keys/${bobKey.body.id}`).set('Authorization', bobAuth).expect(200);
    });

    it('deletes a key and answers with the record in its own shape', async () => {
      const created = await create(alice.id, { name: 'to delete', key: publicKey('rsa4096') }).expect(201);
      const response = await t.http().delete(`/api/v2/users/${alice.id}/ssh_keys/${created.body.id}`).set('Authorization', aliceAuth).expect(200);
      expect(Object.keys(response.body)).toEqual(['id', 'name', 'key', 'fingerprint', 'user_id', 'length', 'created_at', 'updated_at']);
      expect(response.body).toMatchObject({ id: created.body.id, user_id: alice.id, fingerprint: created.body.fingerprint });
      expect(response.body.created_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      await t.http().get(`/api/users/${alice.id}/ssh_keys/${created.body.id}`).set('Authorization', aliceAuth).expect(404);
    });
  });

  describe('authentication', () => {
    it('answers 401 in its shape without credentials and with a wrong password, without a challenge header', async () => {
      const none = await t.http().get(`/api/users/${alice.id}/ssh_keys`).expect(401);
      expect(none.body).toEqual({ error: { message: 'Unable to authenticate user ' } });
      expect(none.headers['www-authenticate']).toBeUndefined();
      const wrong = await t.http().get(`/api/users/${alice.id}/ssh_keys`).set('Authorization', basic('alice', 'nope')).expect(401);
      expect(wrong.body).toEqual({ error: { message: 'Unable to authenticate user alice' } });
    });

    it('accepts an API token as the Basic password, within its permissions', async () => {
      const viewOnly = await t.apiToken(alice, ['ssh_keys.view']);
      await t.http().get(`/api/users/${alice.id}/ssh_keys`).set('Authorization', basic('alice', viewOnly)).expect(200);
      const denied = await create(alice.id, { name: 'x', key: publicKey('rsa4096') }, basic('alice', viewOnly)).expect(403);
      expect(denied.body.error.missing_permissions).toEqual(['create_ssh_keys']);
    });
  });

  describe('users, status and apidoc (for hammer)', () => {
    it('finds a user by login with search=login = "x"', async () => {
      const response = await t.http().get('/api/users').query({ search: 'login = "bob"' }).set('Authorization', adminAuth).expect(200);
      expect(response.body.results.map((u: { login: string }) => u.login)).toEqual(['bob']);
      const self = await t.http().get(`/api/users/${alice.id}-alice`).set('Authorization', aliceAuth).expect(200);
      expect(self.body.login).toBe('alice');
    });

    it('does not show other users to a user without view_users', async () => {
      const response = await t.http().get('/api/users').query({ search: 'login = "bob"' }).set('Authorization', aliceAuth).expect(200);
      expect(response.body.results).toEqual([]);
      await t.http().get(`/api/users/${bob.id}`).set('Authorization', aliceAuth).expect(404);
    });

    it('serves status and the apipie document', async () => {
      const status = await t.http().get('/api/status').set('Authorization', aliceAuth).expect(200);
      expect(status.body).toMatchObject({ result: 'ok', api_version: 2 });
      const checksum = await t.http().get('/apidoc/apipie_checksum').expect(200);
      const doc = await t.http().get('/apidoc/v2.json').expect(200);
      expect(doc.body.docs.resources.ssh_keys.methods.map((m: { name: string }) => m.name)).toEqual(['index', 'show', 'create', 'destroy']);
      expect(checksum.body.checksum).toMatch(/^[0-9a-f]{32}$/);
    });
  });

  it('still answers for the admin after everything (sanity)', async () => {
    await t.http().get(`/api/users/${admin.id}/ssh_keys`).set('Authorization', adminAuth).expect(200);
  });
});
