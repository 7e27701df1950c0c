import { AddressInfo } from 'node:net';
import { AuthService } from '../../src/auth/auth.service';
import { StateClient, StateMessage } from '../support/state-client';
import { ChangeFeed } from '../../src/events/change-feed.service';
import { NextermModule } from '../../src/nexterm/nexterm.module';
import { NorthflankModule } from '../../src/northflank/northflank.module';
import { User } from '../../src/users/user.entity';
import { publicKey } from '../fixtures/keys';
import { IDENTITY_AND_KEY_PERMISSIONS, startTestApp, TestApp } from '../support/test-app';

const names = (m: StateMessage) => (m.data as Array<{ name: string }>).map((i) => i.name).sort();

/** What the current Nexterm web client (gnmyt/Nexterm client/, 2026-08) calls on boot and on each page sshid covers. */
describe('Nexterm web client, replayed', () => {
  let t: TestApp;
  let dana: User;
  let eric: User;
  let danaToken: string;
  let ericToken: string;
  let base: string;
  const get = (path: string, token?: string) => {
    const request = t.http().get(path);
    return token ? request.set('Authorization', `Bearer ${token}`) : request;
  };
  const stateUrl = (token: string) => `${base.replace('http', 'ws')}/api/ws/state?sessionToken=${encodeURIComponent(token)}&tabId=tab-1&browserId=browser-1`;

  beforeAll(async () => {
    t = await startTestApp([NextermModule, NorthflankModule]);
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
    await t.get(ChangeFeed).ready();
    dana = await t.createUser('dana', { isAdmin: true });
    eric = await t.createUser('eric');
    danaToken = await t.sessionToken(dana);
    ericToken = await t.sessionToken(eric);
  });
  afterAll(() => t.close());

  describe('login page and boot', () => {
    it('offers the internal login provider without a session (no "Error loading authentication providers")', async () => {
      const providers = await get('/api/auth/providers').expect(200);
      expect(providers.body).toEqual([expect.objectContaining({ isInternal: true, enabled: true })]);
    });

    it.each([
      '/api/tags/list',
      '/api/scripts',
      '/api/scripts/all',
      '/api/scripts/sources',
      '/api/snippets/all',
      '/api/snippets/sources',
      '/api/entries/list',
      '/api/entries/recent?limit=5',
      '/api/accounts/passkeys',
    ])('answers %s with the empty list a new Nexterm account gets', async (path) => {
      expect((await get(path, ericToken).expect(200)).body).toEqual([]);
    });

    it('answers the default keymaps and disabled AI', async () => {
      const keymaps = await get('/api/keymaps', ericToken).expect(200);
      expect(keymaps.body).toContainEqual(expect.objectContaining({ action: 'search', key: 'ctrl+s', enabled: true, accountId: eric.id }));
      const ai = await get('/api/ai', ericToken).expect(200);
      expect(ai.body).toMatchObject({ enabled: false, isConfigured: false });
    });

    it('still needs a session for the boot routes', async () => {
      const refused = await t.http().get('/api/keymaps').set('Authorization', 'Bearer nope').expect(401);
      expect(refused.body.code).toBe(401);
    });

    it('says plainly that two-factor authentication is not offered', async () => {
      const totp = await get('/api/accounts/totp/secret', ericToken).expect(400);
      expect(totp.body).toEqual({ code: 400, message: expect.stringMatching(/not available/) });
    });
  });

  describe('audit, permissions and users pages', () => {
    it('serves the audit metadata for the actions sshid records', async () => {
      const metadata = await get('/api/audit/metadata', ericToken).expect(200);
      expect(metadata.body.actions.map((a: { value: string }) => a.value)).toEqual(['identity.create', 'identity.update', 'identity.delete']);
      expect(metadata.body.actionCategories).toEqual([expect.objectContaining({ key: 'identity', label: 'Identities' })]);
    });

    it("lists sshid's permissions in the catalog and its two roles", async () => {
      const catalog = await get('/api/permissions/catalog', danaToken).expect(200);
      expect(catalog.body.system.permissions.map((p: { id: string }) => p.id)).toEqual(['users.view', 'users.manage', 'organizations.create', 'identities.manage']);
      expect(catalog.body.organization.permissions.map((p: { id: string }) => p.id)).toEqual(['identities.manage', 'org.members.manage', 'org.audit.view']);
      const groups = await get('/api/permissions/groups', danaToken).expect(200);
      expect(groups.body.map((g: { name: string; isAdmin: boolean }) => [g.name, g.isAdmin])).toEqual([['Administrator', true], ['User', false]]);
    });

    it('the Users page reads {users, total} with limit=25&offset=0', async () => {
      const page = await get('/api/users/list?limit=25&offset=0', danaToken).expect(200);
      expect(page.body.total).toBe(2);
      expect(page.body.users.map((u: { username: string; groups: Array<{ isAdmin: boolean }> }) => [u.username, u.groups[0].isAdmin])).toEqual([['eric', false], ['dana', true]]);
    });
  });

  describe('account API keys are sshid API tokens', () => {
    it('creates, lists, uses and deletes a key; the token is shown once', async () => {
      const created = await t.http().post('/api/accounts/api-keys').set('Authorization', `Bearer ${ericToken}`).send({ name: ' laptop script ' }).expect(200);
      expect(created.body).toMatchObject({ name: 'laptop script', token: expect.any(String), expiresAt: null, lastUsedAt: null });
      const listed = await get('/api/accounts/api-keys', ericToken).expect(200);
      expect(listed.body).toEqual([expect.objectContaining({ id: created.body.id, name: 'laptop script' })]);
      expect(JSON.stringify(listed.body)).not.toContain(created.body.token);
      await get('/api/identities/list', created.body.token).expect(200);
      // A key cannot manage keys, as in Nexterm.
      const byKey = await get('/api/accounts/api-keys', created.body.token).expect(403);
      expect(byKey.body).toEqual({ code: 403, message: 'API keys cannot manage API keys' });
      const deleted = await t.http().delete(`/api/accounts/api-keys/${created.body.id}`).set('Authorization', `Bearer ${ericToken}`).expect(200);
      expect(deleted.body).toEqual({ message: 'API key deleted successfully' });
      await get('/api/identities/list', created.body.token).expect(401);
    });

    it("refuses a key without a name and an expiry that is not a date, in Nexterm's words", async () => {
      const nameless = await t.http().post('/api/accounts/api-keys').set('Authorization', `Bearer ${ericToken}`).send({ name: '  ' }).expect(400);
      expect(nameless.body).toEqual({ code: 400, message: 'A name is required' });
      const badDate = await t.http().post('/api/accounts/api-keys').set('Authorization', `Bearer ${ericToken}`).send({ name: 'x', expiresAt: 'soon' }).expect(400);
      expect(badDate.body).toEqual({ code: 400, message: 'Invalid expiration date' });
      await t.http().delete('/api/accounts/api-keys/not-an-id').set('Authorization', `Bearer ${ericToken}`).expect(404);
    });
  });

  describe('WebSocket /api/ws/state', () => {
    it('refuses a connection without a valid session token', async () => {
      expect((await new StateClient(`${base.replace('http', 'ws')}/api/ws/state?tabId=x`).closed).code).toBe(4001);
      expect((await new StateClient(stateUrl('forged')).closed).code).toBe(4003);
    });

    it('sends the full state on connect, then pushes identities changed through any dialect', async () => {
      const client = new StateClient(stateUrl(ericToken));
      const first = await client.next((m) => m.type === 'IDENTITIES');
      expect(first.data).toEqual([]);
      for (const type of ['ENTRIES', 'SNIPPETS', 'CONNECTIONS', 'LIVE_SESSIONS']) expect(await client.next((m) => m.type === type)).toEqual({ type, data: [] });

      // Created through Northflank with an API token: the Nexterm client sees it.
      const token = await t.apiToken(eric, IDENTITY_AND_KEY_PERMISSIONS);
      const seen = client.messages.length;
      await t.http().post('/v1/integrations/ssh-identities').set('Authorization', `Bearer ${token}`).send({ name: 'From Northflank', sshPublicKeys: [{ key: publicKey('ed25519') }] }).expect(200);
      expect(names(await client.next((m) => m.type === 'IDENTITIES' && names(m).includes('From Northflank'), seen))).toEqual(['From Northflank']);

      // Renamed through Nexterm's own route, then deleted through Northflank.
      const listed = await get('/api/identities/list', ericToken).expect(200);
      const id = listed.body[0].id;
      let mark = client.messages.length;
      await t.http().patch(`/api/identities/${id}`).set('Authorization', `Bearer ${ericToken}`).send({ name: 'Renamed' }).expect(200);
      await client.next((m) => m.type === 'IDENTITIES' && names(m).includes('Renamed'), mark);
      mark = client.messages.length;
      await t.http().delete('/v1/integrations/ssh-identities/from-northflank').set('Authorization', `Bearer ${token}`).expect(200);
      await client.next((m) => m.type === 'IDENTITIES' && (m.data as unknown[]).length === 0, mark);

      // `{action: "refresh"}` sends the state again.
      mark = client.messages.length;
      client.send({ action: 'refresh', type: 'IDENTITIES' });
      await client.next((m) => m.type === 'IDENTITIES', mark);
      client.close();
    });

    it("pushes an organization's identity to every member's open client, not to outsiders", async () => {
      const organization = await t.createOrganization(dana, 'Stream Org');
      await t.addMember(organization.id, eric);
      const outsider = await t.createUser('frank');
      const member = new StateClient(stateUrl(ericToken));
      const stranger = new StateClient(stateUrl(await t.sessionToken(outsider)));
      await member.next((m) => m.type === 'LIVE_SESSIONS');
      await stranger.next((m) => m.type === 'LIVE_SESSIONS');
      const mark = member.messages.length;
      const strangerMark = stranger.messages.length;
      await t.http().put('/api/identities').set('Authorization', `Bearer ${danaToken}`).send({ name: 'Shared root', type: 'password', password: 'pw-shared-1', organizationId: organization.id }).expect(200);
      expect(names(await member.next((m) => m.type === 'IDENTITIES' && names(m).includes('Shared root'), mark))).toContain('Shared root');
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(stranger.messages.slice(strangerMark)).toEqual([]);
      member.close();
      stranger.close();
    });

    it('resynchronises open streams after the change feed lost its database connection', async () => {
      const client = new StateClient(stateUrl(ericToken));
      const doomed = await t.sessionToken(eric);
      const revoked = new StateClient(stateUrl(doomed));
      await client.next((m) => m.type === 'LIVE_SESSIONS');
      await revoked.next((m) => m.type === 'LIVE_SESSIONS');
      const mark = client.messages.length;
      // The feed's LISTEN connection dies; what is written before it is back is announced to nobody.
      await t.dataSource.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query = 'LISTEN sshid_changes' AND datname = current_database()`);
      await t.dataSource.query(
        `INSERT INTO identities (slug, name, type, owner_user_id, restrictions) VALUES ('in-the-gap', 'Written In The Gap', 'ssh', $1, '{}'::jsonb)`,
        [eric.id],
      );
      await t.dataSource.query('DELETE FROM sessions WHERE id = $1', [(t.get(AuthService).verify(doomed) as { jti: string }).jti]);
      expect(names(await client.next((m) => m.type === 'IDENTITIES' && names(m).includes('Written In The Gap'), mark))).toContain('Written In The Gap');
      expect((await revoked.closed).code).toBe(4010);
      client.close();
    });

    it('sends LOGOUT and closes with 4010 when the session is revoked', async () => {
      const doomed = await t.sessionToken(eric);
      const client = new StateClient(stateUrl(doomed));
      await client.next((m) => m.type === 'LIVE_SESSIONS');
      const sessions = await get('/api/sessions/list', ericToken).expect(200);
      const current = (await get('/api/sessions/list', doomed).expect(200)).body.find((s: { current: boolean }) => s.current);
      expect(sessions.body.map((s: { id: string }) => s.id)).toContain(current.id);
      await t.http().delete(`/api/sessions/${current.id}`).set('Authorization', `Bearer ${ericToken}`).expect(200);
      expect(await client.next((m) => m.type === 'LOGOUT')).toEqual({ type: 'LOGOUT', data: { reason: 'session_invalidated' } });
      expect((await client.closed).code).toBe(4010);
    });
  });
});
