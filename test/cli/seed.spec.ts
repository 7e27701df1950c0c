import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildCli } from '../../src/cli/sshid-cli';
import { SshidModule } from '../../src/sshid/sshid.module';
import { freshEd25519PublicKey, publicKey, sshKeygenFingerprints } from '../fixtures/keys';
import { startTestApp, TestApp } from '../support/test-app';

const SEED_YAML = `
users:
  - login: alice
    firstName: Alice
    password: alice-password-1
    keys:
      - name: laptop
        key: ${publicKey('ed25519')}
  - login: bob
organizations:
  - slug: platform
    name: Platform
    owner: alice
    members:
      - login: bob
        permissions: [identities.manage]
identities:
  - name: Deploy Keys
    organization: platform
    keys:
      - ${publicKey('rsa2048')}
    restrictions:
      tags: { enabled: true, items: [prod], matchCondition: or }
  - name: Alice Servers
    owner: alice
    keys: ["${publicKey('ecdsa256')}"]
`;

describe('seeding', () => {
  let t: TestApp;
  let dir: string;
  let out: string[];
  let err: string[];

  beforeAll(async () => {
    t = await startTestApp([SshidModule]);
    dir = mkdtempSync(join(tmpdir(), 'sshid-seed-'));
  });
  afterAll(() => t.close());

  async function seed(content: string, name = 'seed.yaml') {
    out = [];
    err = [];
    const file = join(dir, name);
    writeFileSync(file, content);
    const cli = buildCli(async () => ({ context: t.app, close: async () => undefined }), { out: (l) => out.push(l), err: (l) => err.push(l) });
    await cli.parseAsync(['node', 'sshid', 'seed', file]);
    return file;
  }

  describe('sshid seed FILE', () => {
    it('applies a YAML file, then reports no change on a second run', async () => {
      await seed(SEED_YAML);
      expect(out).toEqual(['7 changes: 2 usersCreated, 1 keysAdded, 1 organizationsCreated, 1 membershipsChanged, 2 identitiesCreated']);
      const [key] = await t.dataSource.query(`SELECT k.fingerprint_sha256 FROM public_keys k JOIN identities i ON i.id = k.identity_id WHERE i.slug = 'deploy-keys'`);
      expect(key.fingerprint_sha256).toBe(sshKeygenFingerprints.rsa2048.sha256);
      const [member] = await t.dataSource.query(`SELECT m.permissions, m.status FROM organization_members m JOIN users u ON u.id = m.user_id WHERE u.login = 'bob'`);
      expect(member).toEqual({ permissions: ['identities.manage'], status: 'active' });

      const before = await t.dataSource.query('SELECT (SELECT count(*) FROM public_keys) AS k, (SELECT max(updated_at) FROM identities) AS u');
      await seed(SEED_YAML);
      expect(out).toEqual([`No changes: everything in ${join(dir, 'seed.yaml')} is already in place.`]);
      expect(await t.dataSource.query('SELECT (SELECT count(*) FROM public_keys) AS k, (SELECT max(updated_at) FROM identities) AS u')).toEqual(before);
    });

    it('updates what changed and counts it', async () => {
      await seed(SEED_YAML.replace('items: [prod]', 'items: [prod, staging]'));
      expect(out).toEqual(['1 changes: 1 identitiesUpdated']);
    });

    it('writes an audit event for each identity it creates or changes, and none for a run that changes nothing', async () => {
      const events = await t.dataSource.query(
        `SELECT e.action, e.resource_name, e.organization_id IS NOT NULL AS in_organization, e.details->>'source' AS source
           FROM audit_events e WHERE e.resource = 'identity' ORDER BY e.id`,
      );
      expect(events).toEqual([
        { action: 'identity.create', resource_name: 'Deploy Keys', in_organization: true, source: 'seed' },
        { action: 'identity.create', resource_name: 'Alice Servers', in_organization: false, source: 'seed' },
        { action: 'identity.update', resource_name: 'Deploy Keys', in_organization: true, source: 'seed' },
      ]);
    });

    it('reports each bad entry by its path and applies nothing of the file', async () => {
      const bad = `${SEED_YAML.replace('items: [prod]', 'items: [dev]')}
  - name: Broken
    owner: alice
    keys: ["ssh-rsa nope"]
  - name: Orphan
    owner: nobody-here
`;
      const counts = async () => (await t.dataSource.query('SELECT (SELECT count(*) FROM identities) AS i, (SELECT count(*) FROM public_keys) AS k'))[0];
      const before = await counts();
      await expect(seed(bad, 'bad.yaml')).rejects.toThrow(/nothing applied/);
      expect(err).toEqual([expect.stringMatching(/bad\.yaml: identities\[2\]\.keys\[0\]: /)]);
      expect(await counts()).toEqual(before);
      await expect(seed(bad.replace('keys: ["ssh-rsa nope"]', 'keys: []'), 'bad.yaml')).rejects.toThrow(/nothing applied/);
      expect(err).toEqual(['checked 2 users, 1 organizations, 4 identities', expect.stringMatching(/identities\[3\]\.owner: no user "nobody-here"/)]);
      const [tags] = await t.dataSource.query(`SELECT restrictions FROM identities WHERE slug = 'deploy-keys'`);
      expect(tags.restrictions.tags.items).toEqual(['prod', 'staging']);
      expect(await counts()).toEqual(before);
    });

    it('refuses a file that is not YAML', async () => {
      await expect(seed('users: [\n', 'broken.yaml')).rejects.toThrow(/broken\.yaml/);
    });
  });

  describe('POST /api/sshid/v1/import', () => {
    it('imports JSON for user managers in one transaction, and refuses others', async () => {
      const admin = await t.createUser('root', { isAdmin: true });
      const carol = await t.createUser('carol');
      const body = { users: [{ login: 'dave', keys: [{ name: 'k', key: freshEd25519PublicKey() }] }] };
      const denied = await t.http().post('/api/sshid/v1/import').set('Authorization', `Bearer ${await t.sessionToken(carol)}`).send(body).expect(403);
      expect(denied.body.error.status).toBe(403);
      const adminToken = await t.sessionToken(admin);
      const first = await t.http().post('/api/sshid/v1/import').set('Authorization', `Bearer ${adminToken}`).send(body).expect(200);
      expect(first.body).toEqual({ changes: expect.objectContaining({ usersCreated: 1, keysAdded: 1 }), total: 2 });
      const again = await t.http().post('/api/sshid/v1/import').set('Authorization', `Bearer ${adminToken}`).send(body).expect(200);
      expect(again.body.total).toBe(0);
      const invalid = await t.http().post('/api/sshid/v1/import').set('Authorization', `Bearer ${adminToken}`).send({ users: [{ login: 'x y' }], colours: [] }).expect(400);
      expect(invalid.body.error.details.violations.map((v: { field: string }) => v.field)).toEqual(['colours', 'users[0].login']);
    });

    it('names every bad field of a document by its path, one problem per field, and imports nothing', async () => {
      const admin = await t.createUser('root2', { isAdmin: true });
      const body = {
        users: [5, { login: 'erin', admin: 'yes', email: '', password: 'short', keys: [{ name: 'k', key: 3 }, { key: freshEd25519PublicKey(), expiresAt: 'soon' }] }],
        organizations: [{ slug: 'Bad Slug', name: 'n', owner: 'erin', members: [{ login: 'erin', permissions: ['root'] }] }],
        identities: [{ name: 'x', owner: 'erin', keys: 'not a list', restrictions: 4 }],
      };
      const answer = await t.http().post('/api/sshid/v1/import').set('Authorization', `Bearer ${await t.sessionToken(admin)}`).send(body).expect(400);
      expect(answer.body.error.details.violations.map((v: { field: string; code: string }) => `${v.field} ${v.code}`)).toEqual([
        'users[0] nestedValidation',
        'users[1].password minLength',
        'users[1].admin isBoolean',
        'users[1].keys[0].key isString',
        'users[1].keys[1].name isString',
        'users[1].keys[1].expiresAt isIso8601',
        'organizations[0].slug matches',
        'organizations[0].members[0].permissions isIn',
        'identities[0].keys isArray',
        'identities[0].restrictions isObject',
      ]);
      expect(await t.dataSource.query(`SELECT login FROM users WHERE login = 'erin'`)).toEqual([]);
    });
  });
});
