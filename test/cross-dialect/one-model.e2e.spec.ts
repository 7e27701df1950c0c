import { SshidModule } from '../../src/sshid/sshid.module';
import { ForemanModule } from '../../src/foreman/foreman.module';
import { NextermModule } from '../../src/nexterm/nexterm.module';
import { NorthflankModule } from '../../src/northflank/northflank.module';
import { User } from '../../src/users/user.entity';
import { keyFile, publicKey, sshKeygenFingerprints } from '../fixtures/keys';
import { startTestApp, TestApp, IDENTITY_AND_KEY_PERMISSIONS } from '../support/test-app';


/** One user, one organization, one identity, one key: whichever dialect wrote it, the others see it. */
describe('one domain model behind three dialects', () => {
  let t: TestApp;
  let alice: User;
  let session: string;
  let token: string;

  beforeAll(async () => {
    t = await startTestApp([ForemanModule, NorthflankModule, NextermModule, SshidModule]);
    alice = await t.createUser('alice');
    session = await t.sessionToken(alice);
    token = await t.apiToken(alice, IDENTITY_AND_KEY_PERMISSIONS);
  });
  afterAll(() => t.close());

  const bearer = (value: string) => `Bearer ${value}`;

  it('shows a Nexterm ssh identity in Northflank with the public key ssh-keygen derives', async () => {
    const created = await t.http().put('/api/identities').set('Authorization', bearer(session))
      .send({ name: 'Web Servers', type: 'ssh', username: 'deploy', sshKey: keyFile('ecdsa521') }).expect(200);
    const identity = await t.http().get('/v1/integrations/ssh-identities/web-servers').set('Authorization', bearer(token)).expect(200);
    expect(identity.body.data.sshPublicKeys).toHaveLength(1);
    // OpenSSH-format private keys carry the comment, so the derived line equals the .pub file.
    expect(identity.body.data.sshPublicKeys[0].key).toBe(publicKey('ecdsa521'));
    const [row] = await t.dataSource.query('SELECT fingerprint_sha256 FROM public_keys WHERE identity_id = $1', [created.body.id]);
    expect(row.fingerprint_sha256).toBe(sshKeygenFingerprints.ecdsa521.sha256);
    const match = await t.http().get(`/api/sshid/v1/identities/match?fingerprint=${encodeURIComponent(sshKeygenFingerprints.ecdsa521.sha256)}`)
      .set('Authorization', bearer(token)).expect(200);
    expect(match.body.identities.map((i: { id: string }) => i.id)).toEqual(['web-servers']);
  });

  it('lists a Northflank identity in Nexterm, and a Nexterm rename shows in Northflank', async () => {
    await t.http().post('/v1/integrations/ssh-identities').set('Authorization', bearer(token)).send({ name: 'From Northflank', sshPublicKeys: [{ key: publicKey('ed25519') }] }).expect(200);
    const list = await t.http().get('/api/identities/list').set('Authorization', bearer(session)).expect(200);
    const fromNorthflank = list.body.find((i: { name: string }) => i.name === 'From Northflank');
    expect(fromNorthflank).toMatchObject({ type: 'ssh', scope: 'personal', accountId: alice.id });
    await t.http().patch(`/api/identities/${fromNorthflank.id}`).set('Authorization', bearer(session)).send({ name: 'Renamed In Nexterm' }).expect(200);
    const after = await t.http().get('/v1/integrations/ssh-identities/from-northflank').set('Authorization', bearer(token)).expect(200);
    expect(after.body.data.name).toBe('Renamed In Nexterm');
    expect(after.body.data.sshPublicKeys).toEqual([{ key: publicKey('ed25519') }]);
  });

  it('a Northflank PUT replaces what its document holds and keeps the remote username and secrets Nexterm set', async () => {
    const created = await t.http().put('/api/identities').set('Authorization', bearer(session))
      .send({ name: 'Jump Host', type: 'both', username: 'deploy', password: 'jump-pass-1', sshKey: keyFile('ed25519') }).expect(200);
    await t.http().put('/v1/integrations/ssh-identities/jump-host').set('Authorization', bearer(token))
      .send({ name: 'Jump Host', description: 'edited in Northflank', sshPublicKeys: [{ key: publicKey('rsa2048') }] }).expect(200);
    const [row] = await t.dataSource.query('SELECT username, description, password_secret IS NOT NULL AS has_password FROM identities WHERE id = $1', [created.body.id]);
    // The username is where sshd's authorized-keys answer sends these keys: erasing it would lock the team out.
    expect(row).toEqual({ username: 'deploy', description: 'edited in Northflank', has_password: true });
    const listed = await t.http().get('/api/identities/list').set('Authorization', bearer(session)).expect(200);
    expect(listed.body.find((i: { id: number }) => i.id === created.body.id)).toMatchObject({ username: 'deploy' });
  });

  it('serves a Nexterm organization as a Northflank team', async () => {
    const org = await t.http().put('/api/organizations').set('Authorization', bearer(session)).send({ name: 'Blue Team' }).expect(201);
    await t.http().put('/api/identities').set('Authorization', bearer(session)).send({ name: 'Blue Shared', type: 'password', password: 'blue-pass', organizationId: org.body.id }).expect(200);
    const team = await t.http().get('/v1/teams/blue-team/integrations/ssh-identities').set('Authorization', bearer(token)).expect(200);
    expect(team.body.data.identities.map((i: { name: string }) => i.name)).toEqual(['Blue Shared']);
  });

  it("keeps Foreman's personal keys apart from identity keys, with the same fingerprint forms", async () => {
    const foreman = await t.http().post(`/api/users/${alice.id}/ssh_keys`).set('Authorization', bearer(token))
      .send({ ssh_key: { name: 'laptop', key: publicKey('ed25519') } }).expect(201);
    expect(foreman.body.fingerprint).toBe(`${sshKeygenFingerprints.ed25519.sha256.replace('SHA256:', '')}=`);
    const index = await t.http().get(`/api/users/${alice.id}/ssh_keys`).set('Authorization', bearer(token)).expect(200);
    expect(index.body.results.map((k: { name: string }) => k.name)).toEqual(['laptop']);
    const rows = await t.dataSource.query('SELECT DISTINCT fingerprint_sha256 FROM public_keys WHERE key_type = $1', ['ssh-ed25519']);
    expect(rows).toEqual([{ fingerprint_sha256: sshKeygenFingerprints.ed25519.sha256 }]);
  });

  it("deleting a user removes their personal identities and keys but not their organization's", async () => {
    const bob = await t.createUser('bob');
    const bobSession = await t.sessionToken(bob);
    const org = await t.http().put('/api/organizations').set('Authorization', bearer(bobSession)).send({ name: 'Bob Org' }).expect(201);
    await t.http().put('/api/identities').set('Authorization', bearer(bobSession)).send({ name: 'Bob Personal', type: 'ssh', sshKey: keyFile('rsa4096') }).expect(200);
    await t.http().put('/api/identities').set('Authorization', bearer(bobSession)).send({ name: 'Bob Org Key', type: 'ssh', sshKey: keyFile('ecdsa384'), organizationId: org.body.id }).expect(200);
    await t.http().post(`/api/users/${bob.id}/ssh_keys`).set('Authorization', bearer(bobSession)).send({ name: 'k', key: publicKey('rsa2048') }).expect(201);
    const admin = await t.createUser('root', { isAdmin: true });
    await t.http().delete(`/api/users/${bob.id}`).set('Authorization', bearer(await t.sessionToken(admin))).expect(200);
    const names = (await t.dataSource.query('SELECT name FROM identities ORDER BY id')).map((r: { name: string }) => r.name);
    expect(names).not.toContain('Bob Personal');
    expect(names).toContain('Bob Org Key');
    expect(await t.dataSource.query('SELECT 1 FROM public_keys WHERE user_id = $1', [bob.id])).toEqual([]);
    expect(await t.dataSource.query(`SELECT 1 FROM public_keys WHERE fingerprint_sha256 = $1`, [sshKeygenFingerprints.ecdsa384.sha256])).toHaveLength(1);
  });

  describe('errors raised before a route is found keep the dialect shape', () => {
    it.each([
      ['put', '/api/users', (b: any) => expect(b).toEqual({ code: 400, message: 'The request body is not valid JSON' })],
      ['post', `/api/users/1/ssh_keys`, (b: any) => expect(b.error).toMatch(/^There was a problem in the JSON you submitted/)],
      ['post', '/v1/integrations/ssh-identities', (b: any) => expect(b.error).toMatchObject({ status: 400, id: expect.any(String) })],
    ])('malformed JSON on %s %s', async (method, path, check) => {
      const response = await (t.http() as any)[method](path).set('Authorization', bearer(session)).set('Content-Type', 'application/json').send('{nope');
      expect(response.status).toBe(400);
      check(response.body);
    });

    it('answers unknown routes in each shape', async () => {
      expect((await t.http().get('/api/nothing-here').set('Authorization', bearer(session))).body).toEqual({ code: 404, message: 'Cannot GET /api/nothing-here' });
      expect((await t.http().get('/v1/nothing-here').set('Authorization', bearer(token))).body.error).toMatchObject({ status: 404, message: 'Path not found.' });
      expect((await t.http().get('/nothing-here')).body).toEqual({ error: { status: 404, message: 'Route not found' } });
    });
  });
});
