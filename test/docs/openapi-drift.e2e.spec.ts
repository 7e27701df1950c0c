import jestOpenAPI from 'jest-openapi';
import { DIALECT_MODULES } from '../../src/dialects';
import { User } from '../../src/users/user.entity';
import { freshEd25519PublicKey, keyFile, publicKey } from '../fixtures/keys';
import { findDrift } from '../support/openapi-conformance';
import { startTestApp, TestApp, TEST_PASSWORD, IDENTITY_AND_KEY_PERMISSIONS } from '../support/test-app';

/**
 * Real answers of every documented route against the dialect's own OpenAPI document (served by sshid itself), so the
 * documents cannot drift from the code: response schemas are closed, a renamed or extra field fails.
 */
describe('OpenAPI documents match the answers', () => {
  let t: TestApp;
  let alice: User;
  let session: string;
  let token: string;
  const docs: Record<string, object> = {};

  beforeAll(async () => {
    t = await startTestApp(DIALECT_MODULES, {}, { docs: true });
    alice = await t.createUser('alice');
    session = await t.sessionToken(alice);
    token = await t.apiToken(alice, IDENTITY_AND_KEY_PERMISSIONS);
    for (const dialect of ['foreman', 'northflank', 'nexterm']) docs[dialect] = (await t.http().get(`/docs/${dialect}.json`).expect(200)).body;
  });
  afterAll(() => t.close());

  const bearer = (value: string) => `Bearer ${value}`;

  describe('Foreman', () => {
    beforeAll(() => jestOpenAPI(docs.foreman as never));

    it('documents index, show, create, destroy and their errors', async () => {
      const created = await t.http().post(`/api/users/${alice.id}/ssh_keys`).set('Authorization', bearer(token)).send({ ssh_key: { name: 'doc key', key: publicKey('ed25519') } });
      expect(created.status).toBe(201);
      expect(created).toSatisfyApiSpec();
      const responses = [
        await t.http().get(`/api/users/${alice.id}/ssh_keys`).set('Authorization', bearer(token)),
        await t.http().get(`/api/v2/users/${alice.id}/ssh_keys/${created.body.id}`).set('Authorization', bearer(token)),
        await t.http().get(`/api/users/${alice.id}/ssh_keys`).query({ search: 'nope = 1' }).set('Authorization', bearer(token)),
        await t.http().get(`/api/users/${alice.id}/ssh_keys/999999`).set('Authorization', bearer(token)),
        await t.http().post(`/api/users/${alice.id}/ssh_keys`).set('Authorization', bearer(token)).send({ name: 'bad', key: 'nope' }),
        await t.http().get(`/api/users/${alice.id}/ssh_keys`),
        await t.http().get('/api/users').query({ search: 'login = "alice"' }).set('Authorization', bearer(token)),
        await t.http().get(`/api/users/${alice.id}`).set('Authorization', bearer(token)),
        await t.http().get('/api/status').set('Authorization', bearer(token)),
        await t.http().delete(`/api/users/${alice.id}/ssh_keys/${created.body.id}`).set('Authorization', bearer(token)),
      ];
      expect(responses.map((r) => r.status)).toEqual([200, 200, 400, 404, 422, 401, 200, 200, 200, 200]);
      for (const response of responses) expect(response).toSatisfyApiSpec();
    });

    it('fails when a response field is renamed', async () => {
      const response = await t.http().get(`/api/users/${alice.id}/ssh_keys`).set('Authorization', bearer(token));
      expect(response).toSatisfyApiSpec();
      response.body = { ...response.body, totals: response.body.total };
      delete response.body.total;
      expect(() => expect(response).toSatisfyApiSpec()).toThrow(/total/);
    });
  });

  describe('Northflank', () => {
    beforeAll(() => jestOpenAPI(docs.northflank as never));

    it('documents every operation and the error shape', async () => {
      const base = '/v1/integrations/ssh-identities';
      const responses = [
        await t.http().post(base).set('Authorization', bearer(token)).send({ name: 'Doc Keys', sshPublicKeys: [{ key: freshEd25519PublicKey() }] }),
        await t.http().get(`${base}/doc-keys`).set('Authorization', bearer(token)),
        await t.http().get(base).query({ per_page: '1' }).set('Authorization', bearer(token)),
        await t.http().put(`${base}/doc-keys`).set('Authorization', bearer(token)).send({ name: 'Doc Keys', restrictions: { tags: { enabled: true, items: ['prod'], matchCondition: 'and' } } }),
        await t.http().patch(`${base}/doc-keys`).set('Authorization', bearer(token)).send({ description: 'documented' }),
        await t.http().get('/v1/login').set('Authorization', bearer(token)),
        await t.http().post(base).set('Authorization', bearer(token)).send({ name: 'x' }),
        await t.http().post(base).set('Authorization', bearer(token)).send({ name: 'Doc Keys' }),
        await t.http().get(`${base}/missing-one`).set('Authorization', bearer(token)),
        await t.http().get(base),
        await t.http().delete(`${base}/doc-keys`).set('Authorization', bearer(token)),
      ];
      expect(responses.map((r) => r.status)).toEqual([200, 200, 200, 200, 200, 200, 400, 409, 404, 401, 200]);
      for (const response of responses) expect(response).toSatisfyApiSpec();
    });
  });

  describe('Nexterm', () => {
    beforeAll(() => jestOpenAPI(docs.nexterm as never));

    it('documents identities, login and accounts with their error shape', async () => {
      const created = await t.http().put('/api/identities').set('Authorization', bearer(session)).send({ name: 'Doc Identity', type: 'ssh', sshKey: keyFile('ed25519') });
      const org = await t.http().put('/api/organizations').set('Authorization', bearer(session)).send({ name: 'Doc Org' });
      const responses = [
        created,
        await t.http().get('/api/identities/list').set('Authorization', bearer(session)),
        await t.http().patch(`/api/identities/${created.body.id}`).set('Authorization', bearer(session)).send({ name: 'Doc Identity 2' }),
        await t.http().put('/api/identities').set('Authorization', bearer(session)).send({ name: 'x', type: 'nope' }),
        await t.http().patch('/api/identities/999999').set('Authorization', bearer(session)).send({ name: 'missing' }),
        await t.http().post(`/api/identities/${created.body.id}/move`).set('Authorization', bearer(session)).send({ organizationId: org.body.id }),
        await t.http().get('/api/identities/list'),
        await t.http().post('/api/auth/login').send({ username: 'alice', password: TEST_PASSWORD }),
        await t.http().get('/api/accounts/me').set('Authorization', bearer(session)),
        await t.http().delete(`/api/identities/${created.body.id}`).set('Authorization', bearer(session)),
      ];
      expect(responses.map((r) => r.status)).toEqual([200, 200, 200, 400, 404, 200, 400, 200, 200, 200]);
      for (const response of responses) expect(response).toSatisfyApiSpec();
    });
  });

  describe('the check every test app runs when it closes', () => {
    it('reports an undocumented status, a renamed field, and lets documented answers pass', async () => {
      const ok = await t.http().get('/v1/integrations/ssh-identities').set('Authorization', bearer(token)).expect(200);
      const answered = { method: 'GET', url: '/v1/integrations/ssh-identities', status: 200, payload: ok.text };
      expect(findDrift(t.app, DIALECT_MODULES, [answered])).toEqual([]);
      const renamed = { ...answered, payload: ok.text.replace('"pagination"', '"paging"') };
      expect(findDrift(t.app, DIALECT_MODULES, [renamed])).toEqual([expect.stringContaining('GET /v1/integrations/ssh-identities 200')]);
      const teapot = { ...answered, status: 418 };
      expect(findDrift(t.app, DIALECT_MODULES, [teapot])).toEqual([expect.stringContaining('StatusNotFound')]);
    });
  });
});
