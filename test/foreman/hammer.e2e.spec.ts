import { ForemanModule } from '../../src/foreman/foreman.module';
import { User } from '../../src/users/user.entity';
import { publicKey } from '../fixtures/keys';
import { startTestApp, TestApp, TEST_PASSWORD } from '../support/test-app';

/**
 * Replays what hammer (hammer-cli-foreman with apipie-bindings) sends, request by request, as read in their sources:
 * the apidoc load, the id resolver's `search=login = "x"` / `search=name = "x"` lookups with page=1&per_page=1000,
 * bodies wrapped in the resource's singular name with path parameters taken out, `Accept: version=2` headers.
 */
const HAMMER_HEADERS = { Accept: 'application/json;version=2', 'Content-Type': 'application/json' };

/**
 * What hammer-cli-foreman looks up in `docs.resources` while loading (lib/hammer_cli_foreman/associating_commands.rb,
 * common_parameter.rb, user.rb, ssh_keys.rb). Written out here, not imported, so the test fails if the served document
 * loses one.
 */
const LOAD_TIME_LOOKUPS = [
  'hostgroups', 'domains', 'media', 'subnets', 'compute_resources', 'smart_proxies', 'users', 'usergroups',
  'provisioning_templates', 'organizations', 'operatingsystems', 'architectures', 'ptables', 'roles', 'locations',
  'common_parameters', 'ssh_keys',
];

describe('hammer, replayed: load, user and ssh-keys commands', () => {
  let t: TestApp;
  let admin: User;
  let carol: User;
  const auth = (login: string) => `Basic ${Buffer.from(`${login}:${TEST_PASSWORD}`).toString('base64')}`;
  const hammer = (method: 'get' | 'post' | 'delete', path: string, login = 'admin') =>
    t.http()[method](path).set(HAMMER_HEADERS).set('Authorization', auth(login));

  beforeAll(async () => {
    t = await startTestApp([ForemanModule]);
    admin = await t.createUser('admin', { isAdmin: true });
    carol = await t.createUser('carol');
  });
  afterAll(() => t.close());

  /** hammer's IdResolver: one index call with the searchable, all results on one page. */
  async function resolveUserId(login: string, as = 'admin'): Promise<number> {
    const found = await hammer('get', `/api/users?search=${encodeURIComponent(`login = "${login}"`)}&per_page=1000&page=1`, as).expect(200);
    expect(found.body.results).toHaveLength(1);
    return found.body.results[0].id;
  }

  async function resolveKeyId(userId: number, name: string): Promise<number> {
    const found = await hammer('get', `/api/users/${userId}/ssh_keys?search=${encodeURIComponent(`name = "${name}"`)}&per_page=1000&page=1`).expect(200);
    expect(found.body.results).toHaveLength(1);
    return found.body.results[0].id;
  }

  it('loads: the apidoc names every resource hammer looks up, and the routes it documents are served', async () => {
    const checksum = await t.http().get('/apidoc/apipie_checksum').set(HAMMER_HEADERS).expect(200);
    const doc = await t.http().get('/apidoc/v2.json').set(HAMMER_HEADERS).expect(200);
    expect(checksum.body.checksum).toMatch(/^[0-9a-f]{32}$/);
    const resources = doc.body.docs.resources as Record<string, { methods: Array<{ apis: Array<{ api_url: string; http_method: string }> }> }>;
    const missing = LOAD_TIME_LOOKUPS.filter((name) => !(name in resources));
    expect(missing).toEqual([]);
    // Honest: the resources sshid does not serve carry no methods, and their routes stay Foreman's 404.
    expect(resources.hostgroups.methods).toEqual([]);
    const hostgroups = await hammer('get', '/api/hostgroups').expect(404);
    expect(hostgroups.body).toEqual({ error: { message: 'Route /api/hostgroups not found' } });
    for (const name of ['users', 'ssh_keys']) {
      for (const method of resources[name].methods) {
        for (const api of method.apis) {
          const path = api.api_url.replace(':user_id', String(admin.id)).replace(':id', '999999');
          const answer = await hammer(api.http_method.toLowerCase() as 'get' | 'post' | 'delete', path);
          expect([200, 201, 404, 422]).toContain(answer.status);
          expect(answer.body.error?.message ?? '').not.toMatch(/^Route /);
        }
      }
    }
  });

  it('hammer user ssh-keys add --user admin --name laptop --key-file id.pub', async () => {
    const userId = await resolveUserId('admin');
    const created = await hammer('post', `/api/users/${userId}/ssh_keys`).send({ ssh_key: { name: 'laptop', key: publicKey('ed25519') } }).expect(201);
    expect(created.body).toMatchObject({ name: 'laptop', length: 256 });
  });

  it('hammer user ssh-keys list --user admin (and with --search and --order)', async () => {
    const userId = await resolveUserId('admin');
    await hammer('post', `/api/users/${userId}/ssh_keys`).send({ ssh_key: { name: 'yubikey', key: publicKey('sk-ed25519') } }).expect(201);
    const all = await hammer('get', `/api/users/${userId}/ssh_keys?page=1&per_page=1000`).expect(200);
    expect(all.body.results.map((k: { name: string }) => k.name).sort()).toEqual(['laptop', 'yubikey']);
    // A FIDO key reports the length of its plain sibling (ed25519: 256), not 32.
    expect(all.body.results.find((k: { name: string }) => k.name === 'yubikey').length).toBe(256);
    const searched = await hammer('get', `/api/users/${userId}/ssh_keys?search=${encodeURIComponent('name ~ yubi')}&order=${encodeURIComponent('name DESC')}&page=1&per_page=1000`).expect(200);
    expect(searched.body.results.map((k: { name: string }) => k.name)).toEqual(['yubikey']);
    expect(searched.body.sort).toEqual({ by: 'name', order: 'DESC' });
  });

  it('hammer user ssh-keys info --user admin --name laptop', async () => {
    const userId = await resolveUserId('admin');
    const keyId = await resolveKeyId(userId, 'laptop');
    const shown = await hammer('get', `/api/users/${userId}/ssh_keys/${keyId}`).expect(200);
    expect(shown.body).toMatchObject({ id: keyId, name: 'laptop', key: publicKey('ed25519') });
  });

  it('hammer user ssh-keys delete --user admin --name laptop', async () => {
    const userId = await resolveUserId('admin');
    const keyId = await resolveKeyId(userId, 'laptop');
    await hammer('delete', `/api/users/${userId}/ssh_keys/${keyId}`).expect(200);
    const after = await hammer('get', `/api/users/${userId}/ssh_keys?search=${encodeURIComponent('name = "laptop"')}&per_page=1000&page=1`).expect(200);
    expect(after.body.results).toEqual([]);
  });

  it("hammer user list --search 'login = carol' and hammer user info --login carol", async () => {
    const listed = await hammer('get', `/api/users?search=${encodeURIComponent('login = carol')}&page=1&per_page=1000`).expect(200);
    expect(listed.body.results.map((u: { login: string }) => u.login)).toEqual(['carol']);
    const id = await resolveUserId('carol');
    const info = await hammer('get', `/api/users/${id}`).expect(200);
    expect(info.body).toMatchObject({ id: carol.id, login: 'carol' });
  });

  describe('organization_id and location_id (hammer sends them from --organization-id or its defaults)', () => {
    it('answers 404 for an organization the caller cannot see, in Foreman wording', async () => {
      const unknown = await hammer('get', `/api/users/${admin.id}/ssh_keys?organization_id=99`, 'carol').expect(404);
      expect(unknown.body).toEqual({ error: { message: 'Organization with id 99 not found' } });
      const location = await hammer('get', `/api/users?location_id=2`).expect(404);
      expect(location.body).toEqual({ error: { message: 'Location with id 2 not found' } });
    });

    it("scopes users to the organization's members", async () => {
      const organization = await t.createOrganization(carol, 'Carol Co');
      const members = await hammer('get', `/api/users?organization_id=${organization.id}`, 'carol').expect(200);
      expect(members.body.results.map((u: { login: string }) => u.login)).toEqual(['carol']);
      const asAdmin = await hammer('get', `/api/users?organization_id=${organization.id}`).expect(200);
      expect(asAdmin.body.results.map((u: { login: string }) => u.login)).toEqual(['carol']);
      expect(asAdmin.headers['foreman_current_organization']).toBe(`${organization.id}; Carol Co`);
      await hammer('get', `/api/users/${carol.id}/ssh_keys?organization_id=${organization.id}`, 'carol').expect(200);
      // Outside the organization the user is not found, as Foreman says of a missing parent user.
      const outsider = await hammer('get', `/api/users/${admin.id}/ssh_keys?organization_id=${organization.id}`).expect(422);
      expect(outsider.body).toEqual({ error: { message: `Couldn't find User with 'id'=${admin.id}` } });
    });
  });
});
