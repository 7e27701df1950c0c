import { NorthflankModule } from '../../src/northflank/northflank.module';
import { SshidModule } from '../../src/sshid/sshid.module';
import { User } from '../../src/users/user.entity';
import { keyFile, publicKey, sshKeygenFingerprints } from '../fixtures/keys';
import { startTestApp, TestApp, TEST_PASSWORD } from '../support/test-app';

const ALL = ['identities.read', 'identities.create', 'identities.update', 'identities.delete'] as const;

describe('Northflank dialect: ssh-identities', () => {
  let t: TestApp;
  let alice: User;
  let bob: User;
  let aliceToken: string;
  let bobToken: string;
  let team: { id: number; slug: string };

  beforeAll(async () => {
    t = await startTestApp([SshidModule, NorthflankModule]);
    alice = await t.createUser('alice');
    bob = await t.createUser('bob');
    aliceToken = await t.apiToken(alice, [...ALL]);
    bobToken = await t.apiToken(bob, [...ALL]);
    team = await t.createOrganization(alice, 'Platform Team');
  });
  afterAll(() => t.close());

  const as = (token: string) => ({
    get: (path: string) => t.http().get(path).set('Authorization', `Bearer ${token}`).set('Content-Type', 'application/json'),
    post: (path: string, body: unknown) => t.http().post(path).set('Authorization', `Bearer ${token}`).send(body as object),
    put: (path: string, body: unknown) => t.http().put(path).set('Authorization', `Bearer ${token}`).send(body as object),
    patch: (path: string, body: unknown) => t.http().patch(path).set('Authorization', `Bearer ${token}`).send(body as object),
    delete: (path: string) => t.http().delete(path).set('Authorization', `Bearer ${token}`).set('Content-Type', 'application/json'),
  });
  const ACCOUNT = '/v1/integrations/ssh-identities';
  const teamPath = () => `/v1/teams/${team.slug}/integrations/ssh-identities`;

  describe.each([
    ['account path', () => ACCOUNT],
    ['team path', () => teamPath()],
  ])('every operation at the %s', (_label, base) => {
    it('adds, gets, lists, puts, patches and deletes', async () => {
      const added = await as(aliceToken).post(base(), {
        name: 'Deploy Keys',
        description: 'CI deploy keys',
        sshPublicKeys: [{ key: publicKey('ed25519') }],
        restrictions: { projects: { enabled: false }, tags: { enabled: false, matchCondition: 'or' } },
      }).expect(200);
      expect(added.body).toEqual({
        data: {
          id: 'deploy-keys',
          name: 'Deploy Keys',
          description: 'CI deploy keys',
          sshPublicKeys: [{ key: publicKey('ed25519') }],
          restrictions: { projects: { enabled: false }, tags: { enabled: false, matchCondition: 'or' } },
          createdAt: expect.any(String),
          updatedAt: expect.any(String),
        },
      });
      expect(added.headers['x-ratelimit-limit']).toBeDefined();
      expect(added.headers['x-ratelimit-remaining']).toBeDefined();

      const got = await as(aliceToken).get(`${base()}/deploy-keys`).expect(200);
      expect(got.body.data.sshPublicKeys).toEqual([{ key: publicKey('ed25519') }]);

      const listed = await as(aliceToken).get(base()).expect(200);
      expect(listed.body.data.identities.map((i: { id: string }) => i.id)).toEqual(['deploy-keys']);
      expect(listed.body.pagination).toEqual({ hasNextPage: false, count: 1 });

      const put = await as(aliceToken).put(`${base()}/deploy-keys`, { name: 'Deploy Keys', sshPublicKeys: [{ key: publicKey('rsa2048') }] }).expect(200);
      expect(put.body.data.sshPublicKeys).toEqual([{ key: publicKey('rsa2048') }]);
      expect(put.body.data.description).toBeUndefined();

      const patched = await as(aliceToken).patch(`${base()}/deploy-keys`, { description: 'patched', restrictions: { tags: { enabled: true, items: ['prod'], matchCondition: 'and' } } }).expect(200);
      expect(patched.body.data).toMatchObject({ description: 'patched', sshPublicKeys: [{ key: publicKey('rsa2048') }], restrictions: { tags: { enabled: true, items: ['prod'], matchCondition: 'and' } } });

      const deleted = await as(aliceToken).delete(`${base()}/deploy-keys`).expect(200);
      expect(deleted.body).toEqual({ data: {} });
      await as(aliceToken).get(`${base()}/deploy-keys`).expect(404);
    });

    it('creates at the path id with PUT', async () => {
      const response = await as(aliceToken).put(`${base()}/custom-id`, { name: 'Any Name' }).expect(200);
      expect(response.body.data).toMatchObject({ id: 'custom-id', name: 'Any Name', sshPublicKeys: [] });
      await as(aliceToken).delete(`${base()}/custom-id`).expect(200);
    });
  });

  describe('ids sshid once used for itself', () => {
    it('an identity named "Match" is reachable at /match (sshid\'s match moved to /api/sshid/v1)', async () => {
      await as(aliceToken).post(ACCOUNT, { name: 'Match', sshPublicKeys: [{ key: publicKey('ed25519') }] }).expect(200);
      const got = await as(aliceToken).get(`${ACCOUNT}/match`).expect(200);
      expect(got.body.data).toMatchObject({ id: 'match', name: 'Match' });
      await as(aliceToken).delete(`${ACCOUNT}/match`).expect(200);
    });
  });

  describe('PUT replaces the whole identity', () => {
    it('resets every omitted field alike: description, keys and restrictions', async () => {
      await as(aliceToken).post(ACCOUNT, {
        name: 'Replace Me',
        description: 'kept?',
        sshPublicKeys: [{ key: publicKey('ed25519') }],
        restrictions: { projects: { enabled: true, items: ['web'] }, tags: { enabled: false, matchCondition: 'or' } },
      }).expect(200);
      const put = await as(aliceToken).put(`${ACCOUNT}/replace-me`, { name: 'Replace Me' }).expect(200);
      expect(put.body.data.description).toBeUndefined();
      expect(put.body.data.sshPublicKeys).toEqual([]);
      expect(put.body.data.restrictions.projects.enabled).toBe(false);
      await as(aliceToken).delete(`${ACCOUNT}/replace-me`).expect(200);
    });
  });

  describe('POST validation', () => {
    const bad: Array<[string, unknown, string]> = [
      ['a missing name', {}, 'name'],
      ['a short name', { name: 'ab' }, 'name'],
      ['a name with a double space', { name: 'a  b c' }, 'name'],
      ['a name with an underscore', { name: 'bad_name' }, 'name'],
      ['a name of 101 characters', { name: 'a'.repeat(101) }, 'name'],
      ['a name starting with a digit (no id can be derived)', { name: '1password keys' }, 'name'],
      ['a description with a forbidden character', { name: 'good name', description: 'no <tags>' }, 'description'],
      ['a description of 201 characters', { name: 'good name', description: 'd'.repeat(201) }, 'description'],
      ['a key item without key', { name: 'good name', sshPublicKeys: [{}] }, 'sshPublicKeys.0.key'],
      ['a private key', { name: 'good name', sshPublicKeys: [{ key: keyFile('ed25519') }] }, 'sshPublicKeys.0.key'],
      ['a garbage key', { name: 'good name', sshPublicKeys: [{ key: 'ssh-rsa nope' }] }, 'sshPublicKeys.0.key'],
      ['the same key twice', { name: 'good name', sshPublicKeys: [{ key: publicKey('ed25519') }, { key: `${publicKey('ed25519')} other comment` }] }, 'sshPublicKeys.1.key'],
      ['a bad restriction item', { name: 'good name', restrictions: { projects: { enabled: true, items: ['no spaces allowed'] } } }, 'restrictions.projects.items'],
      ['a bad matchCondition', { name: 'good name', restrictions: { tags: { matchCondition: 'xor' } } }, 'restrictions.tags.matchCondition'],
      ['an unknown field', { name: 'good name', colour: 'red' }, 'colour'],
    ];
    it.each(bad)('refuses %s, naming the field, and stores nothing', async (_what, body, field) => {
      const before = await t.count('identities');
      const response = await as(aliceToken).post(ACCOUNT, body).expect(400);
      expect(response.body.error).toMatchObject({ status: 400, message: expect.any(String), id: expect.any(String) });
      expect(Object.keys(response.body.error.details)).toContain(field);
      expect(await t.count('identities')).toBe(before);
    });

    it('accepts createdAt/updatedAt from the request schema', async () => {
      const now = new Date().toISOString();
      await as(aliceToken).post(ACCOUNT, { name: 'with dates', createdAt: now, updatedAt: now }).expect(200);
    });

    it('refuses a body that is not JSON in its error shape', async () => {
      const response = await t.http().post(ACCOUNT).set('Authorization', `Bearer ${aliceToken}`).set('Content-Type', 'application/json').send('{').expect(400);
      expect(response.body.error.status).toBe(400);
    });

    it('answers 409 when the derived id is taken', async () => {
      await as(aliceToken).post(ACCOUNT, { name: 'Taken Name' }).expect(200);
      const response = await as(aliceToken).post(ACCOUNT, { name: 'taken-name' }).expect(409);
      expect(response.body.error).toMatchObject({ status: 409, message: 'There is already an SSH identity with the same derived identifier' });
    });

    it('refuses name in PATCH', async () => {
      await as(aliceToken).post(ACCOUNT, { name: 'Patch Target' }).expect(200);
      const response = await as(aliceToken).patch(`${ACCOUNT}/patch-target`, { name: 'renamed' }).expect(400);
      expect(response.body.error.details).toHaveProperty('name');
    });
  });

  describe('permissions and isolation', () => {
    it('answers 401 without a token and with a forged one', async () => {
      const none = await t.http().get(ACCOUNT).expect(401);
      expect(none.body.error.status).toBe(401);
      await t.http().get(ACCOUNT).set('Authorization', 'Bearer eyJhbGciOiJIUzI1NiJ9.e30.x').expect(401);
    });

    it('answers 403 when the token lacks the permission', async () => {
      const readOnly = await t.apiToken(alice, ['identities.read']);
      const response = await as(readOnly).post(ACCOUNT, { name: 'not allowed' }).expect(403);
      expect(response.body.error.message).toContain('Account > Ssh > General > Create');
      await as(readOnly).get(ACCOUNT).expect(200);
      const keysOnly = await t.apiToken(alice, ['ssh_keys.view']);
      await as(keysOnly).get(ACCOUNT).expect(403);
    });

    it("keeps one account's identities from another", async () => {
      await as(aliceToken).post(ACCOUNT, { name: 'Alice Only' }).expect(200);
      const list = await as(bobToken).get(ACCOUNT).expect(200);
      expect(list.body.data.identities).toEqual([]);
      await as(bobToken).get(`${ACCOUNT}/alice-only`).expect(404);
      await as(bobToken).delete(`${ACCOUNT}/alice-only`).expect(404);
      await as(aliceToken).get(`${ACCOUNT}/alice-only`).expect(200);
    });

    it('refuses a team the caller does not belong to, and a pending member', async () => {
      const response = await as(bobToken).get(teamPath()).expect(403);
      expect(response.body.error.status).toBe(403);
      await as(bobToken).get('/v1/teams/no-such-team/integrations/ssh-identities').expect(403);
      await t.addMember(team.id, bob, 'pending');
      await as(bobToken).get(teamPath()).expect(403);
    });

    it('lets an active member read but not write without identities.manage', async () => {
      const carol = await t.createUser('carol');
      await t.addMember(team.id, carol, 'active');
      const carolToken = await t.apiToken(carol, [...ALL]);
      await as(aliceToken).post(teamPath(), { name: 'Team Shared' }).expect(200);
      const list = await as(carolToken).get(teamPath()).expect(200);
      expect(list.body.data.identities.map((i: { id: string }) => i.id)).toContain('team-shared');
      await as(carolToken).post(teamPath(), { name: 'Carol Write' }).expect(403);
      await t.dataSource.query(`UPDATE organization_members SET permissions = '{identities.manage}' WHERE user_id = $1`, [carol.id]);
      await as(carolToken).post(teamPath(), { name: 'Carol Write' }).expect(200);
    });

    it('acts on the bound team through the account path with a team token', async () => {
      const teamToken = await t.apiToken(alice, [...ALL], team.slug);
      const list = await as(teamToken).get(ACCOUNT).expect(200);
      expect(list.body.data.identities.map((i: { id: string }) => i.id)).toContain('team-shared');
      const otherTeam = await t.createOrganization(alice, 'Other Team');
      await as(teamToken).get(`/v1/teams/${otherTeam.slug}/integrations/ssh-identities`).expect(403);
    });
  });

  describe('pagination', () => {
    it('walks 3 pages with cursors, the last without a cursor key', async () => {
      const dave = await t.createUser('dave');
      const token = await t.apiToken(dave, [...ALL]);
      for (let i = 1; i <= 7; i += 1) await as(token).post(ACCOUNT, { name: `key set ${i}` }).expect(200);
      const first = await as(token).get(`${ACCOUNT}?per_page=3`).expect(200);
      expect(first.body.pagination).toMatchObject({ hasNextPage: true, count: 3 });
      expect(first.body.pagination.cursor).toMatch(/^[A-Za-z0-9_-]+$/);
      const second = await as(token).get(`${ACCOUNT}?per_page=3&cursor=${first.body.pagination.cursor}`).expect(200);
      const third = await as(token).get(`${ACCOUNT}?per_page=3&cursor=${second.body.pagination.cursor}`).expect(200);
      expect(third.body.pagination).toEqual({ hasNextPage: false, count: 1 });
      const ids = [first, second, third].flatMap((r) => r.body.data.identities.map((i: { id: string }) => i.id));
      expect(ids).toEqual([1, 2, 3, 4, 5, 6, 7].map((i) => `key-set-${i}`));
      const page2 = await as(token).get(`${ACCOUNT}?per_page=3&page=2`).expect(200);
      expect(page2.body.data.identities.map((i: { id: string }) => i.id)).toEqual(['key-set-4', 'key-set-5', 'key-set-6']);
      // A last page that is exactly full says there is no next page (one row past the page is read to know).
      expect((await as(token).get(`${ACCOUNT}?per_page=7`).expect(200)).body.pagination).toEqual({ hasNextPage: false, count: 7 });
      expect((await as(token).get(`${ACCOUNT}?per_page=6`).expect(200)).body.pagination).toMatchObject({ hasNextPage: true, count: 6 });
    });

    it('refuses per_page over 100 and a forged cursor', async () => {
      expect((await as(aliceToken).get(`${ACCOUNT}?per_page=101`).expect(400)).body.error.details).toHaveProperty('per_page');
      expect((await as(aliceToken).get(`${ACCOUNT}?cursor=bm9wZQ`).expect(400)).body.error.details).toHaveProperty('cursor');
    });
  });

  describe('GET /api/sshid/v1/identities/match (restriction rules)', () => {
    const fp = sshKeygenFingerprints.ecdsa384.sha256;
    let erin: string;

    beforeAll(async () => {
      const user = await t.createUser('erin');
      erin = await t.apiToken(user, [...ALL]);
      const key = [{ key: publicKey('ecdsa384') }];
      await as(erin).post(ACCOUNT, { name: 'unrestricted', sshPublicKeys: key }).expect(200);
      await as(erin).post(ACCOUNT, { name: 'project only', sshPublicKeys: key, restrictions: { projects: { enabled: true, items: ['web'] } } }).expect(200);
      await as(erin).post(ACCOUNT, { name: 'tags any', sshPublicKeys: key, restrictions: { tags: { enabled: true, items: ['a', 'b'].map((x) => `${x}${x}${x}`), matchCondition: 'or' } } }).expect(200);
      await as(erin).post(ACCOUNT, { name: 'tags all', sshPublicKeys: key, restrictions: { tags: { enabled: true, items: ['aaa', 'bbb'], matchCondition: 'and' } } }).expect(200);
      await as(erin).post(ACCOUNT, { name: 'project and tag', sshPublicKeys: key, restrictions: { projects: { enabled: true, items: ['web'] }, tags: { enabled: true, items: ['aaa'] } } }).expect(200);
      await as(erin).post(ACCOUNT, { name: 'disabled lists', sshPublicKeys: key, restrictions: { projects: { enabled: false, items: ['api'] }, tags: { enabled: false, items: ['zzz'] } } }).expect(200);
      await as(erin).post(ACCOUNT, { name: 'other key', sshPublicKeys: [{ key: publicKey('rsa4096') }] }).expect(200);
    });

    const match = async (query: string) =>
      (await as(erin).get(`/api/sshid/v1/identities/match?fingerprint=${encodeURIComponent(fp)}${query}`).expect(200)).body.identities.map((i: { id: string }) => i.id);

    it.each([
      ['no project, no tags', '', ['unrestricted', 'disabled-lists']],
      ['project web', '&project=web', ['unrestricted', 'project-only', 'disabled-lists']],
      ['project api', '&project=api', ['unrestricted', 'disabled-lists']],
      ['one tag (or)', '&tags=aaa', ['unrestricted', 'tags-any', 'disabled-lists']],
      ['both tags (and)', '&tags=aaa,bbb', ['unrestricted', 'tags-any', 'tags-all', 'disabled-lists']],
      ['project and tag', '&project=web&tags=aaa', ['unrestricted', 'project-only', 'tags-any', 'project-and-tag', 'disabled-lists']],
    ])('for %s', async (_what, query, expected) => {
      expect(await match(query)).toEqual(expected);
    });

    it('accepts the fingerprint in padded base64 and refuses garbage', async () => {
      const padded = `${fp.replace('SHA256:', '')}=`;
      const response = await as(erin).get(`/api/sshid/v1/identities/match?fingerprint=${encodeURIComponent(padded)}`).expect(200);
      expect(response.body.identities).toHaveLength(2);
      await as(erin).get(`/api/sshid/v1/identities/match?fingerprint=nope`).expect(400);
    });

    it('matches inside a team with team=<slug>, and refuses a team the caller is not in', async () => {
      await as(aliceToken).post(teamPath(), { name: 'team ecdsa', sshPublicKeys: [{ key: publicKey('ecdsa384') }] }).expect(200);
      const inTeam = await as(aliceToken).get(`/api/sshid/v1/identities/match?fingerprint=${encodeURIComponent(fp)}&team=${team.slug}`).expect(200);
      expect(inTeam.body.identities.map((i: { id: string }) => i.id)).toEqual(['team-ecdsa']);
      await as(erin).get(`/api/sshid/v1/identities/match?fingerprint=${encodeURIComponent(fp)}&team=${team.slug}`).expect(403);
      await as(aliceToken).delete(`${teamPath()}/team-ecdsa`).expect(200);
    });

    it('finds the key by an index, not a table scan', async () => {
      const plan = await t.dataSource.transaction(async (tx) => {
        await tx.query('SET LOCAL enable_seqscan = off');
        return tx.query('EXPLAIN SELECT identity_id FROM public_keys WHERE fingerprint_sha256 = $1', [fp]);
      });
      expect(JSON.stringify(plan)).toMatch(/Index.*public_keys_(identity_)?fingerprint/);
    });
  });

  describe('API tokens (sshid namespace)', () => {
    it('creates a token with Northflank permission names, lists it without the secret, and revokes it', async () => {
      const login = await t.http().post('/api/sshid/v1/auth/login').send({ login: 'alice', password: TEST_PASSWORD }).expect(200);
      const session = login.body.token as string;
      const created = await t.http().post('/api/sshid/v1/tokens').set('Authorization', `Bearer ${session}`)
        .send({ name: 'ci', permissions: ['Account > Ssh > General > Read', 'Account > Platform > Ssh > Create'] }).expect(201);
      expect(created.body.permissions).toEqual(['identities.read', 'identities.create']);
      const token = created.body.token as string;
      await as(token).get(ACCOUNT).expect(200);
      const list = await t.http().get('/api/sshid/v1/tokens').set('Authorization', `Bearer ${session}`).expect(200);
      expect(JSON.stringify(list.body)).not.toContain(token);
      await t.http().delete(`/api/sshid/v1/tokens/${created.body.id}`).set('Authorization', `Bearer ${session}`).expect(204);
      await as(token).get(ACCOUNT).expect(401);
    });

    it('refuses an unknown permission name', async () => {
      const session = await t.sessionToken(alice);
      const response = await t.http().post('/api/sshid/v1/tokens').set('Authorization', `Bearer ${session}`).send({ name: 'x', permissions: ['Account > Everything'] }).expect(400);
      expect(response.body.error.status).toBe(400);
    });
  });
});
