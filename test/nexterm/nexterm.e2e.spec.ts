import { NextermModule } from '../../src/nexterm/nexterm.module';
import { keyFile, publicKey, sshKeygenFingerprints } from '../fixtures/keys';
import { startTestApp, TestApp } from '../support/test-app';

const SECRETS = {
  password: 'pa55word-never-returned',
  passphrase: 'correct horse',
  sshKey: keyFile('ed25519-encrypted'),
};

describe('Nexterm dialect', () => {
  let t: TestApp;
  const bodies: string[] = [];
  let adminToken: string;
  let bobToken: string;
  let carolToken: string;

  const call = (method: 'get' | 'put' | 'post' | 'patch' | 'delete', path: string, token?: string, body?: unknown) => {
    let request = t.http()[method](path).set('User-Agent', 'nexterm-e2e');
    if (token) request = request.set('Authorization', `Bearer ${token}`);
    if (body !== undefined) request = request.send(body as object);
    return request.then((response) => {
      bodies.push(response.text);
      return response;
    });
  };

  beforeAll(async () => {
    t = await startTestApp([NextermModule]);
  });
  afterAll(() => t.close());

  describe('accounts and first-time setup', () => {
    it('reports first-time setup, makes the first account admin, then closes registration', async () => {
      expect((await call('get', '/api/service/is-fts')).body).toBe(true);
      const first = await call('post', '/api/accounts/register', undefined, { username: 'admin', password: 'admin-pass', firstName: 'Ada', lastName: 'Admin' }).then((r) => r);
      expect(first.status).toBe(200);
      expect(first.body).toEqual({ message: 'Your account has been successfully created.' });
      expect((await call('get', '/api/service/is-fts')).body).toBe(false);
      const second = await call('post', '/api/accounts/register', undefined, { username: 'mallory', password: 'x-pass', firstName: 'M', lastName: 'M' });
      expect(second.status).toBe(403);
      expect(second.body).toEqual({ code: 403, message: 'Self-registration is not enabled' });
    });

    it.each([
      [{ password: 'abc', firstName: 'a', lastName: 'b' }, 'username is required'],
      [{ username: 'ab', password: 'abc', firstName: 'a', lastName: 'b' }, 'username length must be at least 3 characters long'],
      [{ username: 'bad name', password: 'abc', firstName: 'a', lastName: 'b' }, 'username must only contain alpha-numeric characters'],
      [{ username: 'okname', password: 'abc', firstName: '', lastName: 'b' }, 'firstName is not allowed to be empty'],
      [{ username: 'okname', password: 'abc', firstName: 'a', lastName: 'b', role: 'admin' }, 'role is not allowed'],
    ])('refuses a bad registration with the first message (%#)', async (body, message) => {
      const response = await call('post', '/api/accounts/register', undefined, body);
      expect(response.status).toBe(400);
      expect(response.body).toEqual({ code: 400, message });
    });

    it('logs in, returning the token in the body and the Authorization header', async () => {
      const response = await call('post', '/api/auth/login', undefined, { username: 'admin', password: 'admin-pass' });
      expect(response.status).toBe(200);
      expect(response.body).toEqual({ token: expect.any(String), totpRequired: false, message: 'Your session got successfully created' });
      expect(response.headers.authorization).toBe(response.body.token);
      adminToken = response.body.token;
      const me = await call('get', '/api/accounts/me', adminToken);
      expect(me.body).toMatchObject({ username: 'admin', isAdmin: true, firstName: 'Ada' });
    });

    it('refuses a wrong password with 401', async () => {
      const response = await call('post', '/api/auth/login', undefined, { username: 'admin', password: 'wrong' });
      expect(response.status).toBe(401);
      expect(response.body).toEqual({ code: 401, message: 'Username or password incorrect' });
    });

    it('lets the admin create, list, re-password, promote and delete users', async () => {
      const created = await call('put', '/api/users', adminToken, { username: 'bob', password: 'bob-pass', firstName: 'Bob', lastName: 'B' });
      expect(created.body).toEqual({ message: 'Account got successfully created', id: expect.any(Number) });
      await call('put', '/api/users', adminToken, { username: 'carol', password: 'carol-pass', firstName: 'Carol', lastName: 'C' });
      const temp = await call('put', '/api/users', adminToken, { username: 'temp', password: 'temp-pass', firstName: 'T', lastName: 'T' });
      const duplicate = await call('put', '/api/users', adminToken, { username: 'bob', password: 'bob-pass', firstName: 'Bob', lastName: 'B' });
      expect(duplicate.status).toBe(409);
      expect(duplicate.body).toEqual({ code: 409, message: 'This account already exists' });
      const list = await call('get', '/api/users/list', adminToken);
      // The current web client's Users page reads {users, total}, newest first, paged and searchable.
      expect(list.body.users.map((u: { username: string }) => u.username)).toEqual(['temp', 'carol', 'bob', 'admin']);
      expect(list.body.total).toBe(4);
      const page = await call('get', '/api/users/list?limit=2&offset=1&search=', adminToken);
      expect(page.body).toMatchObject({ total: 4, users: [{ username: 'carol' }, { username: 'bob' }] });
      const searched = await call('get', '/api/users/list?limit=25&offset=0&search=aro', adminToken);
      expect(searched.body).toMatchObject({ total: 1, users: [{ username: 'carol', firstName: 'Carol', groups: [{ isAdmin: false }] }] });
      expect((await call('get', '/api/users/list?limit=25&offset=0&search=%25', adminToken)).body.total).toBe(0);
      expect((await call('get', '/api/users/list?limit=-1', adminToken)).status).toBe(400);
      expect((await call('patch', `/api/users/${temp.body.id}/password`, adminToken, { password: 'new-pass' })).body).toEqual({ message: 'Password got successfully updated' });
      expect((await call('patch', `/api/users/${temp.body.id}/role`, adminToken, { role: 'admin' })).status).toBe(200);
      expect((await call('delete', `/api/users/${temp.body.id}`, adminToken)).body).toEqual({ message: 'Account got successfully deleted' });
      bobToken = (await call('post', '/api/auth/login', undefined, { username: 'bob', password: 'bob-pass' })).body.token;
      carolToken = (await call('post', '/api/auth/login', undefined, { username: 'carol', password: 'carol-pass' })).body.token;
      const denied = await call('get', '/api/users/list', bobToken);
      expect(denied.status).toBe(403);
      expect(denied.body).toEqual({ code: 403, message: 'Forbidden' });
    });
  });

  describe('authentication header', () => {
    it('answers 400 without the header, 400 for a malformed one and 401 for a bad token', async () => {
      expect((await call('get', '/api/identities/list')).body).toEqual({ code: 400, message: "You need to provide the 'authorization' header" });
      const malformed = await t.http().get('/api/identities/list').set('Authorization', 'Bearer');
      expect(malformed.status).toBe(400);
      expect(malformed.body.message).toBe("You need to provide the token in the 'authorization' header");
      const bad = await t.http().get('/api/identities/list').set('Authorization', 'Bearer nope');
      expect(bad.status).toBe(401);
      expect(bad.body).toEqual({ code: 401, message: 'The provided token is not valid' });
    });

    it('accepts any scheme word, as Nexterm does', async () => {
      const response = await t.http().get('/api/identities/list').set('Authorization', `Token ${bobToken}`);
      expect(response.status).toBe(200);
    });
  });

  describe('identities', () => {
    let personalId: number;

    it('creates an ssh identity from an encrypted key whose stored public key matches ssh-keygen', async () => {
      const response = await call('put', '/api/identities', bobToken, { name: 'Bob Laptop', type: 'ssh', username: 'bob', sshKey: SECRETS.sshKey, passphrase: SECRETS.passphrase });
      expect(response.status).toBe(200);
      expect(response.body).toEqual({ message: 'Identity got successfully created', id: expect.any(Number) });
      personalId = response.body.id;
      const [row] = await t.dataSource.query('SELECT fingerprint_sha256, derived FROM public_keys WHERE identity_id = $1', [personalId]);
      expect(row).toEqual({ fingerprint_sha256: sshKeygenFingerprints['ed25519-encrypted'].sha256, derived: true });
    });

    it('lists personal identities in its shape, without secrets', async () => {
      const response = await call('get', '/api/identities/list', bobToken);
      expect(response.body).toEqual([{ id: personalId, name: 'Bob Laptop', type: 'ssh', username: 'bob', organizationId: null, accountId: expect.any(Number), scope: 'personal' }]);
      const singular = await call('get', '/api/identity/list', bobToken);
      expect(singular.body).toEqual(response.body);
    });

    it.each([
      [{ type: 'ssh' }, 'name is required'],
      [{ name: 'ok name', type: 'key' }, 'type must be one of [password, ssh, both, password-only]'],
      [{ name: '', type: 'password', password: 'x' }, 'name is not allowed to be empty'],
      [{ name: 'ab', type: 'password', password: 'x' }, 'name length must be at least 3 characters long'],
      [{ name: 'n'.repeat(256), type: 'password', password: 'x' }, 'name length must be less than or equal to 255 characters long'],
      [{ name: 'ok name', type: 'password', password: 'x', username: '' }, 'username is not allowed to be empty'],
      [{ name: 'ok name', type: 'password', password: 'x', username: null }, 'username must be a string'],
      [{ name: 'ok name', type: 'password', password: 'x', passphrase: '' }, 'passphrase is not allowed to be empty'],
      [{ name: 'ok name', type: 'password', password: 123 }, 'password must be a string'],
      [{ name: 'ok name', type: 'password', password: 'x', organizationId: 'abc' }, 'organizationId must be a number'],
      [{ name: 'ok name', type: 'password', password: 'x', organizationId: 1.5 }, 'organizationId must be an integer'],
      [{ name: 'ok name', type: 'password', password: 'x', accountId: 1 }, 'accountId is not allowed'],
      [{ name: 'ok name', type: 'password' }, 'password is required for type password'],
      [{ name: 'ok name', type: 'ssh' }, 'sshKey is required for type ssh'],
      [{ name: 'ok name', type: 'ssh', sshKey: 'not a key' }, 'the SSH key is not a private key in OpenSSH or PEM format'],
      [{ name: 'ok name', type: 'ssh', sshKey: publicKey('ed25519') }, 'the SSH key is not a private key in OpenSSH or PEM format'],
      [{ name: 'ok name', type: 'ssh', sshKey: keyFile('ed25519-encrypted') }, 'the SSH key is encrypted; a passphrase is required'],
      [{ name: 'ok name', type: 'ssh', sshKey: keyFile('ed25519-encrypted'), passphrase: 'wrong' }, 'the passphrase does not open the SSH key'],
    ])('refuses a bad identity with 400 and nothing stored (%#)', async (body, message) => {
      const before = await t.count('identities');
      const response = await call('put', '/api/identities', bobToken, body);
      expect(response.status).toBe(400);
      expect(response.body).toEqual({ code: 400, message });
      expect(await t.count('identities')).toBe(before);
    });

    it('refuses a body that is an array', async () => {
      const response = await call('put', '/api/identities', bobToken, [1]);
      expect(response.body).toEqual({ code: 400, message: 'value must be of type object' });
    });

    it('updates with the secret-sync rules and refuses an empty change', async () => {
      const empty = await call('patch', `/api/identities/${personalId}`, bobToken, {});
      expect(empty.body.message).toBe('value must contain at least one of [name, username, type, password, sshKey, passphrase, organizationId]');
      const renamed = await call('patch', `/api/identities/${personalId}`, bobToken, { name: 'Bob Laptop 2' });
      expect(renamed.body).toEqual({ message: 'Identity got successfully edited' });
      // Switching to password with a password drops the key, its passphrase and its public half.
      await call('patch', `/api/identities/${personalId}`, bobToken, { type: 'password', password: SECRETS.password });
      const [row] = await t.dataSource.query('SELECT private_key_secret, passphrase_secret, password_secret FROM identities WHERE id = $1', [personalId]);
      expect(row.private_key_secret).toBeNull();
      expect(row.passphrase_secret).toBeNull();
      expect(row.password_secret).not.toBeNull();
      expect(await t.dataSource.query('SELECT 1 FROM public_keys WHERE identity_id = $1', [personalId])).toEqual([]);
      const list = await call('get', '/api/identities/list', bobToken);
      expect(list.body[0]).toMatchObject({ name: 'Bob Laptop 2', type: 'password' });
    });

    it("refuses another user's personal identity and answers 404 for a missing one", async () => {
      const patch = await call('patch', `/api/identities/${personalId}`, carolToken, { name: 'stolen' });
      expect(patch.status).toBe(403);
      expect(patch.body).toEqual({ code: 403, message: 'No permission to access this identity' });
      expect((await call('delete', `/api/identities/${personalId}`, carolToken)).status).toBe(403);
      expect((await call('get', '/api/identities/list', carolToken)).body).toEqual([]);
      const missing = await call('patch', '/api/identities/999999', bobToken, { name: 'nothing' });
      expect(missing.status).toBe(404);
      expect(missing.body).toEqual({ code: 404, message: 'Identity does not exist' });
      expect((await call('delete', '/api/identities/abc', bobToken)).status).toBe(404);
    });
  });

  describe('organizations, shared identities and the audit log', () => {
    let orgId: number;

    it('creates an organization and invites members who accept', async () => {
      const created = await call('put', '/api/organizations', bobToken, { name: 'Ops Crew', description: 'ops' });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ id: expect.any(Number), name: 'Ops Crew', description: 'ops' });
      orgId = created.body.id;
      const list = await call('get', '/api/organizations', bobToken);
      expect(list.body[0]).toMatchObject({ id: orgId, isOwner: true, permissions: expect.arrayContaining(['identities.manage']) });
      expect((await call('post', `/api/organizations/${orgId}/invite`, bobToken, { username: 'carol' })).body).toEqual({ success: true, message: 'Invitation sent successfully' });
      const again = await call('post', `/api/organizations/${orgId}/invite`, bobToken, { username: 'carol' });
      expect(again.status).toBe(409);
      expect(again.body.message).toBe('User already has a pending invitation');
      expect((await call('post', `/api/organizations/${orgId}/invite`, bobToken, { username: 'nobody' })).body).toEqual({ code: 404, message: 'User not found' });
      const pending = await call('get', '/api/organizations/invitations/pending', carolToken);
      expect(pending.body[0]).toMatchObject({ organization: { id: orgId, name: 'Ops Crew' }, invitedBy: { username: 'bob' } });
    });

    it('keeps a pending member out of the organization identities', async () => {
      const response = await call('put', '/api/identities', carolToken, { name: 'Carol Shared', type: 'password', password: 'x-pass', organizationId: orgId });
      expect(response.status).toBe(403);
      expect(response.body).toEqual({ code: 403, message: "You don't have permission to manage this organization's identities" });
      expect((await call('get', `/api/organizations/${orgId}/members`, carolToken)).status).toBe(403);
    });

    it('lets the owner create organization identities that members see after accepting', async () => {
      const created = await call('put', '/api/identities', bobToken, { name: 'Shared Deploy', type: 'ssh', sshKey: keyFile('rsa2048'), organizationId: String(orgId) });
      expect(created.status).toBe(200);
      expect((await call('post', `/api/organizations/invitations/${orgId}/respond`, carolToken, { accept: true })).body).toEqual({ success: true, message: 'Invitation accepted' });
      const list = await call('get', '/api/identities/list', carolToken);
      expect(list.body).toEqual([{ id: created.body.id, name: 'Shared Deploy', type: 'ssh', username: null, organizationId: orgId, accountId: null, scope: 'organization' }]);
      const members = await call('get', `/api/organizations/${orgId}/members`, carolToken);
      expect(members.body.map((m: { username: string; role: string }) => `${m.username}:${m.role}`)).toEqual(['bob:owner', 'carol:member']);
      // A member without identities.manage may not change it.
      const denied = await call('patch', `/api/identities/${created.body.id}`, carolToken, { name: 'changed' });
      expect(denied.body).toEqual({ code: 403, message: "You don't have permission to manage this organization's identities" });
    });

    it('lets the owner grant identities.manage to a member, who may then manage organization identities', async () => {
      const carolId = (await call('get', '/api/accounts/me', carolToken)).body.id;
      const before = await call('get', `/api/organizations/${orgId}/members/${carolId}/permissions`, bobToken);
      expect(before.body).toEqual({ catalog: ['identities.manage', 'org.members.manage', 'org.audit.view'], overrides: {}, effective: [], inherited: [] });
      expect((await call('get', `/api/organizations/${orgId}/members/${carolId}/permissions`, carolToken)).status).toBe(403);
      const bad = await call('put', `/api/organizations/${orgId}/members/${carolId}/permissions`, bobToken, { permissions: { 'identities.manage': 'maybe' } });
      expect(bad.body).toEqual({ code: 400, message: 'permissions.identities.manage must be one of [allow, deny, neutral]' });
      const granted = await call('put', `/api/organizations/${orgId}/members/${carolId}/permissions`, bobToken, { permissions: { 'identities.manage': 'allow' } });
      expect(granted.body).toMatchObject({ overrides: { 'identities.manage': 'allow' }, effective: ['identities.manage'] });
      const shared = (await call('get', '/api/identities/list', carolToken)).body.find((i: { name: string }) => i.name === 'Shared Deploy');
      expect((await call('patch', `/api/identities/${shared.id}`, carolToken, { name: 'Shared Deploy' })).status).toBe(200);
      await call('put', `/api/organizations/${orgId}/members/${carolId}/permissions`, bobToken, { permissions: { 'identities.manage': 'neutral' } });
      expect((await call('patch', `/api/identities/${shared.id}`, carolToken, { name: 'Shared Deploy' })).status).toBe(403);
    });

    it("refuses a non-member's access to the organization", async () => {
      const response = await call('get', `/api/organizations/${orgId}`, adminToken.length ? await t.sessionToken(await t.createUser('outsider')) : '');
      expect(response.status).toBe(403);
      expect(response.body).toEqual({ code: 403, message: "You don't have access to this organization" });
    });

    it('moves a personal identity into the organization, only by its owner', async () => {
      const personal = await call('put', '/api/identities', bobToken, { name: 'To Move', type: 'password', password: 'move-pass' });
      const byCarol = await call('post', `/api/identities/${personal.body.id}/move`, carolToken, { organizationId: orgId });
      expect(byCarol.body).toEqual({ code: 403, message: 'Can only move your own personal identities' });
      const moved = await call('post', `/api/identities/${personal.body.id}/move`, bobToken, { organizationId: orgId });
      expect(moved.body).toEqual({ message: 'Identity successfully moved to organization', identity: { id: personal.body.id, name: 'To Move', type: 'password', organizationId: orgId, accountId: null } });
      expect((await call('post', `/api/identities/${personal.body.id}/move`, bobToken, {})).body).toEqual({ code: 400, message: 'organizationId is required' });
    });

    it('writes audit events with actor, organization, IP and user agent, readable by the owner only', async () => {
      const logs = await t.http().get('/api/audit/logs').query({ organizationId: String(orgId) }).set('Authorization', `Bearer ${bobToken}`).set('User-Agent', 'nexterm-e2e');
      bodies.push(logs.text);
      expect(logs.status).toBe(200);
      const actions = logs.body.logs.map((l: { action: string }) => l.action);
      expect(actions).toEqual(expect.arrayContaining(['identity.create', 'identity.update']));
      expect(logs.body.logs[0]).toMatchObject({ accountId: expect.any(Number), organizationId: orgId, ipAddress: expect.any(String), userAgent: expect.any(String), organizationName: 'Ops Crew' });
      const move = logs.body.logs.find((l: { details: { targetOrganizationId?: number } }) => l.details.targetOrganizationId === orgId);
      expect(move).toBeDefined();
      const carolView = await call('get', `/api/audit/logs?organizationId=${orgId}`, carolToken);
      expect(carolView.status).toBe(403);
      const personal = await call('get', '/api/audit/logs?organizationId=personal', bobToken);
      expect(personal.body.logs.map((l: { action: string }) => l.action)).toEqual(expect.arrayContaining(['identity.create']));
    });

    it('deletes an identity with its audit event', async () => {
      const created = await call('put', '/api/identities', bobToken, { name: 'Short Lived', type: 'password', password: 'short-pass' });
      expect((await call('delete', `/api/identities/${created.body.id}`, bobToken)).body).toEqual({ message: 'Identity got successfully deleted' });
      const [event] = await t.dataSource.query(`SELECT details FROM audit_events WHERE action = 'identity.delete' AND resource_id = $1`, [String(created.body.id)]);
      expect(event.details).toEqual({ identityName: 'Short Lived', identityType: 'password' });
    });

    it('reads one organization, removes a member, declines an invitation and deletes the organization', async () => {
      const dave = await t.createUser('dave');
      const daveToken = await t.sessionToken(dave);
      const org = await call('put', '/api/organizations', bobToken, { name: 'Temp Org', description: null });
      expect((await call('get', `/api/organizations/${org.body.id}`, bobToken)).body).toMatchObject({ id: org.body.id, name: 'Temp Org' });
      expect((await call('get', '/api/organizations/abc', bobToken)).body).toEqual({ code: 400, message: 'Invalid organization ID' });
      await call('post', `/api/organizations/${org.body.id}/invite`, bobToken, { username: 'dave' });
      expect((await call('post', `/api/organizations/invitations/${org.body.id}/respond`, daveToken, { accept: false })).body).toEqual({ success: true, message: 'Invitation declined' });
      expect((await call('post', `/api/organizations/invitations/${org.body.id}/respond`, daveToken, { accept: true })).body).toEqual({ code: 404, message: 'Invitation not found' });
      await call('post', `/api/organizations/${org.body.id}/invite`, bobToken, { username: 'dave' });
      await call('post', `/api/organizations/invitations/${org.body.id}/respond`, daveToken, { accept: true });
      const ownerRemoval = await call('delete', `/api/organizations/${org.body.id}/members/${(await call('get', '/api/accounts/me', bobToken)).body.id}`, bobToken);
      expect(ownerRemoval.body).toEqual({ code: 403, message: 'Cannot remove the organization owner' });
      expect((await call('delete', `/api/organizations/${org.body.id}/members/${dave.id}`, daveToken)).status).toBe(403);
      expect((await call('delete', `/api/organizations/${org.body.id}/members/${dave.id}`, bobToken)).body).toEqual({ success: true, message: 'Member removed successfully' });
      expect((await call('delete', `/api/organizations/${org.body.id}`, daveToken)).status).toBe(403);
      expect((await call('delete', `/api/organizations/${org.body.id}`, bobToken)).body).toEqual({ success: true });
      expect((await call('get', `/api/organizations/${org.body.id}`, bobToken)).status).toBe(403);
    });

    it('removes members, lets members leave, and refuses the owner leaving', async () => {
      expect((await call('post', `/api/organizations/${orgId}/leave`, bobToken)).body.message).toBe('As the owner, you cannot leave the organization. You must delete it instead');
      expect((await call('post', `/api/organizations/${orgId}/leave`, carolToken)).body).toEqual({ success: true, message: 'You have left the organization' });
      expect((await call('get', '/api/identities/list', carolToken)).body).toEqual([]);
      const patched = await call('patch', `/api/organizations/${orgId}`, bobToken, { description: 'new' });
      expect(patched.body.description).toBe('new');
    });
  });

  describe('sessions', () => {
    it('lists sessions with the current one flagged, and revokes another at once', async () => {
      const second = (await call('post', '/api/auth/login', undefined, { username: 'bob', password: 'bob-pass' })).body.token;
      const list = await call('get', '/api/sessions/list', bobToken);
      const current = list.body.filter((s: { current: boolean }) => s.current);
      expect(current).toHaveLength(1);
      const other = list.body.find((s: { current: boolean }) => !s.current);
      expect((await call('delete', `/api/sessions/${other.id}`, bobToken)).body).toEqual({ message: 'The session has been successfully destroyed' });
      const stillThere = await call('get', '/api/sessions/list', second);
      expect([200, 401]).toContain(stillThere.status);
      expect((await call('delete', '/api/sessions/00000000-0000-0000-0000-000000000000', bobToken)).body).toEqual({ code: 404, message: 'The provided session does not exist' });
    });

    it('logs out and refuses the token afterwards', async () => {
      const token = (await call('post', '/api/auth/login', undefined, { username: 'carol', password: 'carol-pass' })).body.token;
      expect((await call('post', '/api/auth/logout', undefined, { token })).body).toEqual({ message: 'Your session got deleted successfully' });
      expect((await call('get', '/api/accounts/me', token)).status).toBe(401);
      expect((await call('post', '/api/auth/logout', undefined, { token })).body).toEqual({ code: 404, message: 'Your session token is invalid' });
    });
  });

  describe('device-code sign-in', () => {
    it('creates, authorizes and hands over a session once', async () => {
      const created = await call('post', '/api/auth/device/create', undefined, { clientType: 'connector' });
      expect(created.body).toEqual({ code: expect.stringMatching(/^[A-Z2-9]{4}-[A-Z2-9]{4}$/), token: expect.stringMatching(/^[0-9a-f]{64}$/), expiresAt: expect.any(String) });
      expect((await call('post', '/api/auth/device/poll', undefined, { token: created.body.token })).body).toEqual({ status: 'pending' });
      const info = await call('post', '/api/auth/device/info', bobToken, { code: created.body.code.toLowerCase() });
      expect(info.body).toMatchObject({ clientType: 'connector' });
      expect((await call('post', '/api/auth/device/authorize', bobToken, { code: created.body.code })).body.message).toBe('Device authorized successfully');
      const poll = await call('post', '/api/auth/device/poll', undefined, { token: created.body.token });
      expect(poll.body).toEqual({ status: 'authorized', token: expect.any(String) });
      expect((await call('get', '/api/accounts/me', poll.body.token)).body.username).toBe('bob');
      expect((await call('post', '/api/auth/device/poll', undefined, { token: created.body.token })).body).toEqual({ status: 'invalid' });
      expect((await call('post', '/api/auth/device/info', bobToken, { code: 'bad' })).body).toEqual({ code: 400, message: 'Code must be in format XXXX-XXXX' });
    });

    it('limits unauthenticated creates to 10 an hour per IP, with RateLimit headers, but not signed-in callers', async () => {
      // One create above already counted.
      let last;
      for (let i = 0; i < 10; i += 1) last = await call('post', '/api/auth/device/create', undefined, { clientType: 'mobile' });
      expect(last!.status).toBe(429);
      expect(last!.body).toEqual({ code: 429, message: 'Too many requests. Please try again later.' });
      expect(last!.headers['ratelimit-limit']).toBe('10');
      expect(last!.headers['ratelimit-remaining']).toBe('0');
      expect(last!.headers['ratelimit-policy']).toBe('10;w=3600');
      expect(Number(last!.headers['retry-after'])).toBeGreaterThan(0);
      const signedIn = await call('post', '/api/auth/device/create', bobToken, { clientType: 'mobile' });
      expect(signedIn.status).toBe(200);
    });

    it('opens no session when authorizing a code fails part-way', async () => {
      const created = await call('post', '/api/auth/device/create', bobToken, { clientType: 'connector' });
      const sessions = async () => Number((await t.dataSource.query(`SELECT count(*) AS n FROM sessions s JOIN users u ON u.id = s.user_id WHERE u.login = 'bob'`))[0].n);
      const before = await sessions();
      // The database goes away at the code's own update, after the session was opened (SQLSTATE 57P03).
      await t.dataSource.query(
        `CREATE FUNCTION refuse_device_update() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'going away' USING ERRCODE = '57P03'; END $$`,
      );
      await t.dataSource.query(`CREATE TRIGGER refuse_device_update BEFORE UPDATE ON device_codes FOR EACH ROW EXECUTE FUNCTION refuse_device_update()`);
      try {
        expect((await call('post', '/api/auth/device/authorize', bobToken, { code: created.body.code })).status).toBe(503);
      } finally {
        await t.dataSource.query('DROP TRIGGER refuse_device_update ON device_codes');
        await t.dataSource.query('DROP FUNCTION refuse_device_update()');
      }
      expect(await sessions()).toBe(before);
      expect((await call('post', '/api/auth/device/poll', undefined, { token: created.body.token })).body).toEqual({ status: 'pending' });
    });
  });

  it('never returned a password, private key or passphrase', () => {
    const all = bodies.join('\n');
    expect(all).not.toContain(SECRETS.password);
    expect(all).not.toContain('PRIVATE KEY');
    expect(all).not.toContain(SECRETS.passphrase);
    expect(all).not.toContain('move-pass');
  });
});
