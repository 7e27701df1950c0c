import { DIALECT_MODULES } from '../../src/dialects';
import { User } from '../../src/users/user.entity';
import { freshEd25519PublicKey, publicKey } from '../fixtures/keys';
import { startTestApp, TestApp, IDENTITY_AND_KEY_PERMISSIONS } from '../support/test-app';

describe('concurrent requests', () => {
  let t: TestApp;
  let alice: User;
  let token: string;
  let session: string;

  beforeAll(async () => {
    t = await startTestApp(DIALECT_MODULES);
    alice = await t.createUser('alice');
    token = await t.apiToken(alice, IDENTITY_AND_KEY_PERMISSIONS);
    session = await t.sessionToken(alice);
  });
  afterAll(() => t.close());

  it('50 parallel PUTs of one Northflank id: one row, no 500, and the final state is one whole request', async () => {
    const bodies = Array.from({ length: 50 }, (_, i) => ({ name: `Racer ${i}`, description: `writer ${i}`, sshPublicKeys: [{ key: freshEd25519PublicKey(`writer-${i}`) }] }));
    const responses = await Promise.all(
      bodies.map((body) => t.http().put('/v1/integrations/ssh-identities/race-target').set('Authorization', `Bearer ${token}`).send(body)),
    );
    expect(responses.map((r) => r.status)).toEqual(Array(50).fill(200));
    const rows = await t.dataSource.query(`SELECT id, name, description FROM identities WHERE slug = 'race-target'`);
    expect(rows).toHaveLength(1);
    const writer = /writer (\d+)/.exec(rows[0].description)![1];
    expect(rows[0].name).toBe(`Racer ${writer}`);
    const keys = await t.dataSource.query('SELECT comment FROM public_keys WHERE identity_id = $1', [rows[0].id]);
    expect(keys).toEqual([{ comment: `writer-${writer}` }]);
  });

  it('parallel Foreman creates of the same key: exactly one 201, the rest 422, one row', async () => {
    const key = publicKey('ecdsa384');
    const responses = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        t.http().post(`/api/users/${alice.id}/ssh_keys`).set('Authorization', `Bearer ${token}`).send({ ssh_key: { name: `same ${i}`, key } }),
      ),
    );
    const statuses = responses.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 422)).toHaveLength(19);
    for (const refused of responses.filter((r) => r.status === 422)) expect(refused.body.error.errors).toEqual({ fingerprint: ['has already been taken'] });
    const rows = await t.dataSource.query(`SELECT count(*)::int AS n FROM public_keys WHERE user_id = $1 AND key_type = 'ecdsa-sha2-nistp384'`, [alice.id]);
    expect(rows[0].n).toBe(1);
  });

  it('parallel deletes of one Nexterm identity: one 200, the rest 404', async () => {
    const created = await t.http().put('/api/identities').set('Authorization', `Bearer ${session}`).send({ name: 'Delete Race', type: 'password', password: 'race-pass' }).expect(200);
    const responses = await Promise.all(Array.from({ length: 15 }, () => t.http().delete(`/api/identities/${created.body.id}`).set('Authorization', `Bearer ${session}`)));
    const statuses = responses.map((r) => r.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s === 404)).toHaveLength(14);
    expect(await t.dataSource.query('SELECT 1 FROM identities WHERE id = $1', [created.body.id])).toEqual([]);
  });

  it('parallel moves of one Nexterm identity: exactly one winner, the rest 403, one audit event', async () => {
    const org = await t.createOrganization(alice, 'Race Org');
    const created = await t.http().put('/api/identities').set('Authorization', `Bearer ${session}`).send({ name: 'Move Race', type: 'password', password: 'race-pass' }).expect(200);
    const moves = Array.from({ length: 10 }, () => t.http().post(`/api/identities/${created.body.id}/move`).set('Authorization', `Bearer ${session}`).send({ organizationId: org.id }));
    const responses = await Promise.all(moves);
    const statuses = responses.map((r) => r.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.every((s) => s === 200 || s === 403)).toBe(true);
    const rows = await t.dataSource.query('SELECT organization_id, owner_user_id FROM identities WHERE id = $1', [created.body.id]);
    expect(rows).toEqual([{ organization_id: org.id, owner_user_id: null }]);
    const events = await t.dataSource.query(`SELECT count(*)::int AS n FROM audit_events WHERE resource_id = $1 AND details ? 'targetOrganizationId'`, [String(created.body.id)]);
    expect(events[0].n).toBe(1);
  });

  it('parallel PATCHes lose no field: each touches its own field and all land', async () => {
    await t.http().post('/v1/integrations/ssh-identities').set('Authorization', `Bearer ${token}`).send({ name: 'Patch Race' }).expect(200);
    const [description, restrictions, keys] = await Promise.all([
      t.http().patch('/v1/integrations/ssh-identities/patch-race').set('Authorization', `Bearer ${token}`).send({ description: 'set in parallel' }),
      t.http().patch('/v1/integrations/ssh-identities/patch-race').set('Authorization', `Bearer ${token}`).send({ restrictions: { tags: { enabled: true, items: ['prod'] } } }),
      t.http().patch('/v1/integrations/ssh-identities/patch-race').set('Authorization', `Bearer ${token}`).send({ sshPublicKeys: [{ key: publicKey('rsa4096') }] }),
    ]);
    expect([description.status, restrictions.status, keys.status]).toEqual([200, 200, 200]);
    const final = await t.http().get('/v1/integrations/ssh-identities/patch-race').set('Authorization', `Bearer ${token}`).expect(200);
    expect(final.body.data).toMatchObject({ description: 'set in parallel', restrictions: { tags: { enabled: true, items: ['prod'] } }, sshPublicKeys: [{ key: publicKey('rsa4096') }] });
  });
});
