import { DIALECT_MODULES } from '../../src/dialects';
import { startTestApp, TEST_PASSWORD, TestApp } from '../support/test-app';

describe('security headers', () => {
  let t: TestApp;
  let bearer: string;

  beforeAll(async () => {
    t = await startTestApp(DIALECT_MODULES);
    const user = await t.createUser('hedda');
    bearer = `Bearer ${await t.sessionToken(user)}`;
  });
  afterAll(() => t.close());

  function expectHardened(headers: Record<string, string>, label: string) {
    expect([label, headers['x-content-type-options']]).toEqual([label, 'nosniff']);
    expect([label, headers['x-frame-options']]).toEqual([label, 'DENY']);
    expect([label, headers['content-security-policy']]).toEqual([label, expect.stringContaining("frame-ancestors 'none'")]);
    expect([label, headers['content-security-policy']]).toEqual([label, expect.stringContaining("default-src 'self'")]);
    expect([label, headers['referrer-policy']]).toEqual([label, 'no-referrer']);
    expect([label, headers['cache-control']]).toEqual([label, 'no-store']);
  }

  it('answers every login with no-store and the hardening headers', async () => {
    const nexterm = await t.http().post('/api/auth/login').send({ username: 'hedda', password: TEST_PASSWORD }).expect(200);
    expectHardened(nexterm.headers, 'nexterm login');
    const sshid = await t.http().post('/api/sshid/v1/auth/login').send({ login: 'hedda', password: TEST_PASSWORD }).expect(200);
    expectHardened(sshid.headers, 'sshid login');
    const refused = await t.http().post('/api/auth/login').send({ username: 'hedda', password: 'wrong' }).expect(401);
    expectHardened(refused.headers, 'refused login');
    const token = await t.http().post('/api/sshid/v1/tokens').set('Authorization', bearer).send({ name: 'ci', permissions: ['identities.read'] }).expect(201);
    expectHardened(token.headers, 'token creation');
  });

  it('sends them on every dialect, errors and unknown routes included', async () => {
    const user = (await t.dataSource.query(`SELECT id FROM users WHERE login = 'hedda'`))[0].id;
    for (const [label, path] of [
      ['foreman', `/api/users/${user}/ssh_keys`],
      ['northflank', '/v1/integrations/ssh-identities'],
      ['nexterm', '/api/identities/list'],
      ['health', '/health'],
    ]) {
      expectHardened((await t.http().get(path).set('Authorization', bearer)).headers, label);
    }
    expectHardened((await t.http().get('/api/nowhere').set('Authorization', bearer).expect(404)).headers, 'unknown route');
    expectHardened((await t.http().get('/v1/integrations/ssh-identities').expect(401)).headers, 'unauthenticated');
  });
});
