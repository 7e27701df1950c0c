import { AppConfig, loadConfig } from '../../src/config/app-config';
import { DIALECT_MODULES } from '../../src/dialects';
import { KeyPolicy } from '../../src/keys/key-policy';
import { User } from '../../src/users/user.entity';
import { freshEd25519PublicKey, keyFile, publicKey } from '../fixtures/keys';
import { hasDialectShape } from '../support/dialect-shape';
import { startTestApp, TestApp } from '../support/test-app';

describe('key policy', () => {
  const policy = (env: Record<string, string> = {}) => new KeyPolicy(loadConfig(env) as AppConfig);

  it('refuses DSA and short RSA keys by default and allows the rest, security keys included', () => {
    const p = policy();
    expect(p.refusal({ type: 'ssh-dss', bits: 1024 })).toBe('DSA keys are not allowed here');
    expect(p.refusal({ type: 'ssh-rsa', bits: 1024 })).toBe('RSA keys must have at least 2048 bits (this one has 1024)');
    for (const type of ['ssh-ed25519', 'ecdsa-sha2-nistp256', 'sk-ssh-ed25519@openssh.com', 'sk-ecdsa-sha2-nistp256@openssh.com']) {
      expect(p.refusal({ type, bits: 256 })).toBeNull();
    }
    expect(p.refusal({ type: 'ssh-rsa', bits: 2048 })).toBeNull();
  });

  it('follows its settings', () => {
    const p = policy({ SSHID_KEY_MIN_RSA_BITS: '4096', SSHID_KEY_ALLOW_DSA: 'true', SSHID_KEY_TYPES: 'ssh-ed25519,ssh-rsa,ssh-dss' });
    expect(p.refusal({ type: 'ssh-rsa', bits: 2048 })).toMatch(/at least 4096/);
    expect(p.refusal({ type: 'ssh-dss', bits: 1024 })).toBeNull();
    expect(p.refusal({ type: 'ecdsa-sha2-nistp256', bits: 256 })).toBe('keys of type ecdsa-sha2-nistp256 are not allowed here');
  });
});

describe('authorized keys, /<login>.keys and the key policy over HTTP', () => {
  let t: TestApp;
  let alice: User;
  let aliceSession: string;
  const bearer = (token: string) => `Bearer ${token}`;

  beforeAll(async () => {
    t = await startTestApp(DIALECT_MODULES);
    alice = await t.createUser('alice');
    aliceSession = bearer(await t.sessionToken(alice));
  });
  afterAll(() => t.close());

  it('refuses a DSA key in every dialect, each in its own error shape, and stores nothing', async () => {
    const token = bearer(await t.apiToken(alice, ['identities.create', 'ssh_keys.create', 'identities.read']));
    const foreman = await t.http().post(`/api/users/${alice.id}/ssh_keys`).set('Authorization', aliceSession).send({ name: 'old', key: publicKey('dsa') });
    expect(foreman.status).toBe(422);
    expect(foreman.body.error.errors.key).toEqual(['DSA keys are not allowed here']);
    const northflank = await t.http().post('/v1/integrations/ssh-identities').set('Authorization', token).send({ name: 'Old Keys', sshPublicKeys: [{ key: publicKey('dsa') }] });
    expect(northflank.status).toBe(400);
    expect(hasDialectShape('northflank', 400, northflank.body)).toBe(true);
    const nexterm = await t.http().put('/api/identities').set('Authorization', aliceSession).send({ name: 'Old', type: 'ssh', sshKey: keyFile('dsa') });
    expect(nexterm.body).toEqual({ code: 400, message: 'DSA keys are not allowed here' });
    const sshid = await t.http().post('/api/sshid/v1/keys').set('Authorization', aliceSession).send({ name: 'old', key: publicKey('dsa') });
    expect(sshid.status).toBe(400);
    expect(await t.count('public_keys')).toBe(0);
    expect(await t.count('identities')).toBe(0);
  });

  it("serves a user's unexpired keys at /<login>.keys as text, one per line", async () => {
    const [first, second] = [freshEd25519PublicKey('laptop'), freshEd25519PublicKey('desk')];
    await t.http().post('/api/sshid/v1/keys').set('Authorization', aliceSession).send({ name: 'laptop', key: first }).expect(201);
    const expiring = await t.http().post('/api/sshid/v1/keys').set('Authorization', aliceSession).send({ name: 'desk', key: second, expiresAt: new Date(Date.now() + 60_000).toISOString() }).expect(201);
    const served = await t.http().get('/alice.keys').expect(200);
    expect(served.headers['content-type']).toBe('text/plain; charset=utf-8');
    const strip = (line: string) => line.split(' ').slice(0, 2).join(' ');
    expect(served.text).toBe(`${strip(first)}\n${strip(second)}\n`);
    await t.http().patch(`/api/sshid/v1/keys/${expiring.body.id}`).set('Authorization', aliceSession).send({ expiresAt: '2020-01-01T00:00:00Z' }).expect(200);
    expect((await t.http().get('/ALICE.keys').expect(200)).text).toBe(`${strip(first)}\n`);
    expect((await t.http().get('/nobody.keys').expect(200)).text).toBe('');
    expect((await t.http().get('/alice.pub').expect(404)).body).toEqual({ error: { status: 404, message: expect.any(String) } });
    // The listing keeps the expired key, marked.
    const listed = await t.http().get('/api/sshid/v1/keys').set('Authorization', aliceSession).expect(200);
    expect(listed.body.map((k: { name: string; expired: boolean }) => [k.name, k.expired])).toEqual([['laptop', false], ['desk', true]]);
  });

  it("answers a host token the login's keys and the matching identities' keys, once each, within its organization", async () => {
    const owner = await t.createUser('ops');
    const ownerSession = bearer(await t.sessionToken(owner));
    const org = await t.createOrganization(owner, 'Ops Team');
    const bob = await t.createUser('bob');
    await t.addMember(org.id, bob);
    const bobKey = freshEd25519PublicKey('bob');
    await t.http().post('/api/sshid/v1/keys').set('Authorization', bearer(await t.sessionToken(bob))).send({ name: 'bob', key: bobKey }).expect(201);
    const shared = freshEd25519PublicKey('deploy');
    const nf = bearer(await t.apiToken(owner, ['identities.create', 'identities.read'], org.slug));
    await t.http().post('/v1/integrations/ssh-identities').set('Authorization', nf)
      .send({ name: 'Deploy Prod', sshPublicKeys: [{ key: shared }, { key: bobKey }], restrictions: { tags: { enabled: true, items: ['prod'], matchCondition: 'or' } } }).expect(200);
    await t.dataSource.query(`UPDATE identities SET username = 'bob' WHERE name = 'Deploy Prod'`);

    const host = (await t.http().post('/api/sshid/v1/tokens').set('Authorization', ownerSession).send({ name: 'web', permissions: ['authorized_keys.read'], team: org.slug }).expect(201)).body.token;
    const ask = (query: string) => t.http().get(`/api/sshid/v1/authorized-keys?${query}`).set('Authorization', bearer(host));
    const prod = await ask('login=bob&tags=prod').expect(200);
    const lines = prod.text.trim().split('\n');
    // bob's personal key (he is a member) and the identity's other key; bob's key, in both, is answered once.
    expect(lines.map((l) => l.split(' ')[2])).toEqual([expect.stringMatching(/^sshid:personal:\d+$/), expect.stringMatching(/^sshid:identity:\d+$/)]);
    expect(lines.map((l) => l.split(' ').slice(0, 2).join(' '))).toEqual([bobKey, shared].map((k) => k.split(' ').slice(0, 2).join(' ')));
    expect((await ask('login=bob&tags=dev').expect(200)).text.trim().split('\n')).toHaveLength(1);
    // alice is not a member of the token's organization: nothing of hers is answered there.
    expect((await ask('login=alice').expect(200)).text).toBe('');
    expect((await ask('login=bad%20login').expect(400)).body.error).toMatchObject({ status: 400 });
    // Only host tokens are answered.
    await t.http().get('/api/sshid/v1/authorized-keys?login=bob').set('Authorization', ownerSession).expect(403);
  });
});

describe('/<login>.keys turned off', () => {
  it('is not served with SSHID_PUBLIC_KEYS_ENDPOINT=false', async () => {
    const t = await startTestApp(DIALECT_MODULES, { SSHID_PUBLIC_KEYS_ENDPOINT: 'false' });
    try {
      await t.createUser('carol');
      expect((await t.http().get('/carol.keys').expect(404)).body).toEqual({ error: { status: 404, message: 'Route not found' } });
    } finally {
      await t.close();
    }
  });
});
