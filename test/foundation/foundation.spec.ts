import { AuthService } from '../../src/auth/auth.service';
import { ForbiddenError, UnauthenticatedError } from '../../src/common/domain-errors';
import { IdentitiesService } from '../../src/identities/identities.service';
import { PublicKeysService } from '../../src/keys/public-keys.service';
import { User } from '../../src/users/user.entity';
import { UsersService } from '../../src/users/users.service';
import { keyFile, publicKey } from '../fixtures/keys';
import { findSecrets } from '../support/secret-markers';
import { startTestApp, TestApp, TEST_PASSWORD } from '../support/test-app';

describe('foundation', () => {
  let t: TestApp;
  let alice: User;
  let bob: User;

  beforeAll(async () => {
    t = await startTestApp([], { SSHID_ADMIN_LOGIN: 'root', SSHID_ADMIN_PASSWORD: 'bootstrap-secret' });
    alice = await t.createUser('alice');
    bob = await t.createUser('bob');
  });
  afterAll(() => t.close());

  describe('GET /health', () => {
    it('answers 200 while the database answers', async () => {
      const response = await t.http().get('/health').expect(200);
      expect(response.body).toEqual({ status: 'ok' });
    });
  });

  describe('schema', () => {
    it('is created by migrations, not synchronize', async () => {
      const rows = await t.dataSource.query('SELECT name FROM migrations');
      expect(rows.map((r: { name: string }) => r.name)).toContain('InitialSchema1763859600000');
      expect(t.dataSource.options.synchronize).toBe(false);
    });

    it('refuses an identity owned by both a user and an organization', async () => {
      const org = await t.createOrganization(alice, 'Constraint Check');
      await expect(
        t.dataSource.query(
          `INSERT INTO identities (slug, name, type, owner_user_id, organization_id, restrictions) VALUES ('abc', 'abc', 'ssh', $1, $2, '{}')`,
          [alice.id, org.id],
        ),
      ).rejects.toThrow(/check constraint/);
    });

    it('refuses the same fingerprint twice among one user\'s personal keys', async () => {
      const insert = () =>
        t.dataSource.query(
          `INSERT INTO public_keys (user_id, key_text, key_type, bits, fingerprint_sha256, fingerprint_md5)
           VALUES ($1, 'x', 'ssh-ed25519', 256, 'SHA256:uTkIfMjnVag6YUACfdLOWkcoTVgaz+LObgFpmXyf568', 'MD5:x')`,
          [bob.id],
        );
      await insert();
      await expect(insert()).rejects.toThrow(/public_keys_personal_fingerprint/);
      await t.dataSource.query('DELETE FROM public_keys WHERE user_id = $1', [bob.id]);
    });
  });

  describe('admin bootstrap', () => {
    it('creates the configured admin with an argon2id hash', async () => {
      const root = await t.get(UsersService).verifyPassword('root', 'bootstrap-secret');
      expect(root?.isAdmin).toBe(true);
      const [row] = await t.dataSource.query(`SELECT password_hash FROM users WHERE login = 'root'`);
      expect(row.password_hash).toMatch(/^\$argon2id\$/);
    });
  });

  describe('sessions', () => {
    it('refuses a revoked session token at once', async () => {
      const auth = t.get(AuthService);
      const { token } = await auth.login('alice', TEST_PASSWORD, {});
      const claims = auth.verify(token);
      expect(claims).not.toBeNull();
      await expect(auth.principalFromClaims(claims!, token, {})).resolves.toMatchObject({ user: { id: alice.id } });
      expect(await auth.logout(token)).toBe(true);
      await expect(auth.principalFromClaims(claims!, token, {})).rejects.toBeInstanceOf(UnauthenticatedError);
    });

    it('stores only a SHA-256 of the token', async () => {
      const token = await t.sessionToken(alice);
      const rows = await t.dataSource.query('SELECT token_hash FROM sessions');
      expect(rows.every((r: { token_hash: string }) => /^[0-9a-f]{64}$/.test(r.token_hash) && r.token_hash !== token)).toBe(true);
    });

    it('refuses a wrong password', async () => {
      await expect(t.get(AuthService).login('alice', 'nope', {})).rejects.toBeInstanceOf(UnauthenticatedError);
    });
  });

  describe('API tokens', () => {
    it('carry their permission list and are refused once revoked', async () => {
      const auth = t.get(AuthService);
      const { token, record } = await auth.createApiToken(t.principal(alice), { name: 'ci', permissions: ['ssh_keys.view'] });
      const principal = await auth.principalFromClaims(auth.verify(token)!, token, {});
      expect(principal.token?.permissions).toEqual(['ssh_keys.view']);
      await auth.revokeApiToken(t.principal(alice), record.id);
      await expect(auth.principalFromClaims(auth.verify(token)!, token, {})).rejects.toBeInstanceOf(UnauthenticatedError);
    });

    it('work as the password of HTTP Basic for their own user only', async () => {
      const auth = t.get(AuthService);
      const { token } = await auth.createApiToken(t.principal(alice), { name: 'basic', permissions: ['ssh_keys.view'] });
      await expect(auth.principalFromBasic('alice', token, {})).resolves.toMatchObject({ user: { id: alice.id }, via: 'api_token' });
      await expect(auth.principalFromBasic('bob', token, {})).rejects.toBeInstanceOf(UnauthenticatedError);
    });
  });

  describe('isolation in the domain services', () => {
    it("does not let user A read user B's keys", async () => {
      const keys = t.get(PublicKeysService);
      await keys.addForUser(t.principal(bob), bob.id, { name: 'bob laptop', key: publicKey('ed25519') });
      await expect(keys.listForUser(t.principal(alice), bob.id, { limit: 20, offset: 0 })).rejects.toBeInstanceOf(ForbiddenError);
      const own = await keys.listForUser(t.principal(bob), bob.id, { limit: 20, offset: 0 });
      expect(own.keys.map((k) => k.name)).toEqual(['bob laptop']);
    });

    it("does not let user A see user B's personal identities", async () => {
      const identities = t.get(IdentitiesService);
      await identities.create(t.principal(bob), { kind: 'personal' }, { name: 'bob server', publicKeys: [publicKey('rsa2048')] });
      const aliceView = await identities.listVisible(t.principal(alice));
      expect(aliceView.map((i) => i.name)).not.toContain('bob server');
      await expect(identities.getBySlug(t.principal(alice), { kind: 'personal' }, 'bob-server')).rejects.toThrow(/not found/);
    });

    it('keeps secrets encrypted at rest', async () => {
      const identities = t.get(IdentitiesService);
      const identity = await identities.create(t.principal(alice), { kind: 'personal' }, {
        name: 'alice secret',
        type: 'both',
        password: 'hunter2-password',
        privateKey: keyFile('ed25519'),
      });
      const [row] = await t.dataSource.query('SELECT password_secret, private_key_secret FROM identities WHERE id = $1', [identity.id]);
      expect(row.password_secret.toString('latin1')).not.toContain('hunter2-password');
      expect(row.private_key_secret.toString('latin1')).not.toContain('OPENSSH PRIVATE KEY');
      expect(identity.keys?.[0]?.derived).toBe(true);
    });
  });

  describe('secrets scan of responses and logs', () => {
    it('records every response body and log line of the app', async () => {
      await t.http().get('/health').set('X-Request-Id', 'scan-check-1').expect(200);
      const { responses, logs } = t.transcript();
      expect(responses).toContain('{"status":"ok"}');
      expect(logs.some((line) => line.includes('"scan-check-1"') && line.includes('request completed'))).toBe(true);
    });

    it('redacts the Authorization header in logs', async () => {
      const token = await t.sessionToken(alice);
      await t.http().get('/health').set('Authorization', `Bearer ${token}`).expect(200);
      expect(t.transcript().logs.join('\n')).not.toContain(token);
    });

    it('recognises a leaked password, passphrase or private key', () => {
      expect(findSecrets(['{"password":"correct-horse-battery"}'])).toHaveLength(1);
      expect(findSecrets([keyFile('ed25519')]).length).toBeGreaterThan(0);
      expect(findSecrets(['{"status":"ok"}'])).toEqual([]);
    });
  });
});
