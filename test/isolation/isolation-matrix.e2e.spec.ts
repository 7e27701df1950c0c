import { registeredRoutes } from '../../src/bootstrap';
import { DIALECT_MODULES } from '../../src/dialects';
import { AuthService } from '../../src/auth/auth.service';
import { IdentitiesService } from '../../src/identities/identities.service';
import { PublicKeysService } from '../../src/keys/public-keys.service';
import { OrganizationsService } from '../../src/organizations/organizations.service';
import { User } from '../../src/users/user.entity';
import { freshEd25519PublicKey } from '../fixtures/keys';
import { startTestApp, TestApp } from '../support/test-app';

/**
 * Every route of every dialect against every kind of caller. Users: A (owns organization X), Bm (member of X with
 * identities.manage, sole owner of Y), Bp (plain member of X), P (pending in X), an admin, and API tokens of A
 * with narrow permissions or bound to X. A new route fails the inventory check until it is listed here.
 */
const ACTORS = ['A', 'Bm', 'Bp', 'P', 'Admin', 'A_read', 'A_keys', 'A_teamX'] as const;
type Actor = (typeof ACTORS)[number];
type Outcome = 'ok' | 400 | 403 | 404 | 409;

interface World {
  users: Record<'A' | 'Bm' | 'Bp' | 'P' | 'Admin', User>;
  X: { id: number; slug: string };
  Y: { id: number; slug: string };
}

interface Row {
  route: string;
  /** Builds the request for one cell; fresh resources are made here when the request destroys them. */
  request: (w: World, t: TestApp) => Promise<{ path: string; body?: unknown }>;
  expect: Record<Actor, Outcome>;
}

const row = (route: string, request: Row['request'], outcomes: Outcome[]): Row => ({
  route,
  request,
  expect: Object.fromEntries(ACTORS.map((actor, i) => [actor, outcomes[i]])) as Record<Actor, Outcome>,
});

let serial = 0;
const fresh = (prefix: string) => `${prefix} ${++serial}`.replace(/\d+$/, (n) => `n${n}`);

// Resources made through the domain services, with names that must never appear in another tenant's answers.
async function personalIdentity(t: TestApp, owner: User) {
  return t.get(IdentitiesService).create(t.principal(owner), { kind: 'personal' }, { name: fresh('canary personal') });
}
async function orgIdentity(t: TestApp, owner: User, organizationId: number) {
  return t.get(IdentitiesService).create(t.principal(owner), { kind: 'organization', id: organizationId }, { name: fresh('canary org') });
}
async function personalKey(t: TestApp, owner: User) {
  return t.get(PublicKeysService).addForUser(t.principal(owner), owner.id, { name: fresh('canary key'), key: freshEd25519PublicKey() });
}
async function scratchOrganization(t: TestApp, w: World) {
  const org = await t.createOrganization(w.users.A, fresh('scratch org'));
  await t.addMember(org.id, w.users.Bm, 'active', ['identities.manage']);
  await t.addMember(org.id, w.users.Bp, 'active');
  await t.addMember(org.id, w.users.P, 'pending');
  return org;
}

const X_WRITE: Outcome[] = ['ok', 'ok', 403, 403, 'ok', 403, 403, 'ok'];
const X_READ: Outcome[] = ['ok', 'ok', 'ok', 403, 'ok', 'ok', 403, 'ok'];
const Y_WRITE: Outcome[] = [403, 'ok', 403, 403, 'ok', 403, 403, 403];
const Y_READ: Outcome[] = [403, 'ok', 403, 403, 'ok', 403, 403, 403];
const A_PERSONAL_READ: Outcome[] = ['ok', 404, 404, 404, 404, 'ok', 403, 404];
const A_PERSONAL_WRITE: Outcome[] = ['ok', 404, 404, 404, 404, 403, 403, 404];
const ADMIN_ONLY: Outcome[] = [403, 403, 403, 403, 'ok', 403, 403, 403];
const A_KEYS_READ: Outcome[] = ['ok', 403, 403, 403, 'ok', 403, 'ok', 403];
const A_KEYS_WRITE: Outcome[] = ['ok', 403, 403, 403, 'ok', 403, 403, 403];
const OWN_SCOPE_READ: Outcome[] = ['ok', 'ok', 'ok', 'ok', 'ok', 'ok', 403, 'ok'];
const OWN_SCOPE_CREATE: Outcome[] = ['ok', 'ok', 'ok', 'ok', 'ok', 403, 403, 'ok'];
const SESSIONS_ONLY: Outcome[] = ['ok', 'ok', 'ok', 'ok', 'ok', 403, 403, 403];

const nf = (w: World, team?: 'X' | 'Y') => (team ? `/v1/teams/${w[team].slug}/integrations/ssh-identities` : '/v1/integrations/ssh-identities');

const ROWS: Row[] = [
  // ---- Foreman ----
  row('GET /api/users/:user_id/ssh_keys', async (w) => ({ path: `/api/users/${w.users.A.id}/ssh_keys` }), A_KEYS_READ),
  row('GET /api/users/:user_id/ssh_keys/:id', async (w, t) => ({ path: `/api/users/${w.users.A.id}/ssh_keys/${(await personalKey(t, w.users.A)).id}` }), A_KEYS_READ),
  row('POST /api/users/:user_id/ssh_keys', async (w) => ({ path: `/api/users/${w.users.A.id}/ssh_keys`, body: { name: fresh('k'), key: freshEd25519PublicKey() } }), A_KEYS_WRITE),
  row('DELETE /api/users/:user_id/ssh_keys/:id', async (w, t) => ({ path: `/api/users/${w.users.A.id}/ssh_keys/${(await personalKey(t, w.users.A)).id}` }), A_KEYS_WRITE),
  row('GET /api/users/:id', async (w) => ({ path: `/api/users/${w.users.Bm.id}` }), [404, 'ok', 404, 404, 'ok', 404, 404, 404]),

  // ---- Northflank, account path (the caller's own scope, or the bound team) ----
  row('GET /v1/integrations/ssh-identities', async (w) => ({ path: nf(w) }), OWN_SCOPE_READ),
  row('POST /v1/integrations/ssh-identities', async (w) => ({ path: nf(w), body: { name: fresh('posted') } }), OWN_SCOPE_CREATE),
  row('GET /v1/integrations/ssh-identities/:identityId', async (w, t) => ({ path: `${nf(w)}/${(await personalIdentity(t, w.users.A)).slug}` }), A_PERSONAL_READ),
  row('PATCH /v1/integrations/ssh-identities/:identityId', async (w, t) => ({ path: `${nf(w)}/${(await personalIdentity(t, w.users.A)).slug}`, body: { description: 'patched' } }), A_PERSONAL_WRITE),
  row('DELETE /v1/integrations/ssh-identities/:identityId', async (w, t) => ({ path: `${nf(w)}/${(await personalIdentity(t, w.users.A)).slug}` }), A_PERSONAL_WRITE),
  // PUT on someone else's id creates the caller's own identity there: allowed, and A's stays untouched (checked below).
  row('PUT /v1/integrations/ssh-identities/:identityId', async (w, t) => ({ path: `${nf(w)}/${(await personalIdentity(t, w.users.A)).slug}`, body: { name: 'replaced by put' } }), OWN_SCOPE_CREATE),

  // ---- Northflank, team paths ----
  row('GET /v1/teams/:teamId/integrations/ssh-identities', async (w) => ({ path: nf(w, 'X') }), X_READ),
  row('POST /v1/teams/:teamId/integrations/ssh-identities', async (w) => ({ path: nf(w, 'Y'), body: { name: fresh('team post') } }), Y_WRITE),
  row('GET /v1/teams/:teamId/integrations/ssh-identities/:identityId', async (w, t) => ({ path: `${nf(w, 'X')}/${(await orgIdentity(t, w.users.A, w.X.id)).slug}` }), X_READ),
  row('PUT /v1/teams/:teamId/integrations/ssh-identities/:identityId', async (w, t) => ({ path: `${nf(w, 'X')}/${(await orgIdentity(t, w.users.A, w.X.id)).slug}`, body: { name: 'replaced by put' } }), X_WRITE),
  row('PATCH /v1/teams/:teamId/integrations/ssh-identities/:identityId', async (w, t) => ({ path: `${nf(w, 'Y')}/${(await orgIdentity(t, w.users.Bm, w.Y.id)).slug}`, body: { description: 'patched' } }), Y_WRITE),
  row('DELETE /v1/teams/:teamId/integrations/ssh-identities/:identityId', async (w, t) => ({ path: `${nf(w, 'X')}/${(await orgIdentity(t, w.users.A, w.X.id)).slug}` }), X_WRITE),

  // ---- Nexterm identities ----
  row('GET /api/identities/list', async () => ({ path: '/api/identities/list' }), OWN_SCOPE_READ),
  row('PUT /api/identities', async (w) => ({ path: '/api/identities', body: { name: fresh('nx'), type: 'password', password: 'pw-123', organizationId: w.X.id } }), X_WRITE),
  row('PATCH /api/identities/:identityId', async (w, t) => ({ path: `/api/identities/${(await personalIdentity(t, w.users.A)).id}`, body: { name: 'stolen' } }), ['ok', 403, 403, 403, 403, 403, 403, 403]),
  row('DELETE /api/identities/:identityId', async (w, t) => ({ path: `/api/identities/${(await orgIdentity(t, w.users.Bm, w.Y.id)).id}` }), Y_WRITE),
  row('POST /api/identities/:identityId/move', async (w, t) => ({ path: `/api/identities/${(await personalIdentity(t, w.users.A)).id}/move`, body: { organizationId: w.X.id } }), ['ok', 403, 403, 403, 403, 403, 403, 403]),

  // ---- Nexterm organizations and audit ----
  row('PUT /api/organizations', async () => ({ path: '/api/organizations', body: { name: fresh('new org') } }), SESSIONS_ONLY),
  row('GET /api/organizations', async () => ({ path: '/api/organizations' }), ['ok', 'ok', 'ok', 'ok', 'ok', 'ok', 'ok', 'ok']),
  row('GET /api/organizations/:id', async (w) => ({ path: `/api/organizations/${w.Y.id}` }), [403, 'ok', 403, 403, 'ok', 403, 403, 403]),
  row('PATCH /api/organizations/:id', async (w) => ({ path: `/api/organizations/${w.X.id}`, body: { description: 'changed' } }), ['ok', 403, 403, 403, 'ok', 403, 403, 403]),
  row('DELETE /api/organizations/:id', async (w, t) => ({ path: `/api/organizations/${(await scratchOrganization(t, w)).id}` }), ['ok', 403, 403, 403, 'ok', 403, 403, 403]),
  row('GET /api/organizations/:id/members', async (w) => ({ path: `/api/organizations/${w.X.id}/members` }), X_READ.map((o, i) => (ACTORS[i] === 'A_keys' ? 'ok' : o))),
  row('GET /api/organizations/:id/members/:accountId/permissions', async (w) => ({ path: `/api/organizations/${w.X.id}/members/${w.users.Bp.id}/permissions` }), ['ok', 403, 403, 403, 'ok', 403, 403, 403]),
  row('PUT /api/organizations/:id/members/:accountId/permissions', async (w, t) => ({
    path: `/api/organizations/${(await scratchOrganization(t, w)).id}/members/${w.users.Bp.id}/permissions`,
    body: { permissions: { 'identities.manage': 'allow' } },
  }), ['ok', 403, 403, 403, 'ok', 403, 403, 403]),
  row('POST /api/organizations/:id/invite', async (w, t) => ({ path: `/api/organizations/${(await scratchOrganization(t, w)).id}/invite`, body: { username: 'outsider' } }), ['ok', 403, 403, 403, 'ok', 403, 403, 403]),
  row('DELETE /api/organizations/:id/members/:accountId', async (w, t) => ({ path: `/api/organizations/${(await scratchOrganization(t, w)).id}/members/${w.users.Bp.id}` }), ['ok', 403, 403, 403, 'ok', 403, 403, 403]),
  row('POST /api/organizations/:id/leave', async (w, t) => ({ path: `/api/organizations/${(await scratchOrganization(t, w)).id}/leave` }), [403, 'ok', 'ok', 404, 404, 403, 403, 403]),
  row('POST /api/organizations/invitations/:id/respond', async (w, t) => ({ path: `/api/organizations/invitations/${(await scratchOrganization(t, w)).id}/respond`, body: { accept: true } }), [404, 404, 404, 'ok', 404, 403, 403, 403]),
  row('GET /api/audit/logs', async (w) => ({ path: `/api/audit/logs?organizationId=${w.X.id}` }), ['ok', 403, 403, 403, 403, 'ok', 'ok', 'ok']),

  // ---- Nexterm user management and sessions ----
  row('GET /api/users/list', async () => ({ path: '/api/users/list' }), ADMIN_ONLY),
  row('PUT /api/users', async () => ({ path: '/api/users', body: { username: `u${++serial}`, password: 'pw-123', firstName: 'F', lastName: 'L' } }), ADMIN_ONLY),
  // A reset ends the target's sessions, so the target is a fresh account, not one of the callers.
  row('PATCH /api/users/:accountId/password', async (_w, t) => ({ path: `/api/users/${(await t.createUser(`reset${++serial}`)).id}/password`, body: { password: 'whatever-1' } }), ADMIN_ONLY),
  row('PATCH /api/users/:accountId/role', async (w) => ({ path: `/api/users/${w.users.Bp.id}/role`, body: { role: 'user' } }), ADMIN_ONLY),
  row('DELETE /api/users/:accountId', async (_w, t) => ({ path: `/api/users/${(await t.createUser(`gone${++serial}`)).id}` }), ADMIN_ONLY),
  row('DELETE /api/sessions/:id', async (w, t) => {
    const { session } = await t.get(AuthService).openSession(w.users.A, {});
    return { path: `/api/sessions/${session.id}` };
  }, ['ok', 404, 404, 404, 404, 'ok', 'ok', 'ok']),

  // ---- sshid's own API ----
  row('GET /api/sshid/v1/identities/match', async () => ({ path: `/api/sshid/v1/identities/match?fingerprint=SHA256:${'A'.repeat(43)}` }), OWN_SCOPE_READ),
  row('GET /api/sshid/v1/identities/match?team=', async (w) => ({ path: `/api/sshid/v1/identities/match?fingerprint=SHA256:${'A'.repeat(43)}&team=${w.Y.slug}` }), Y_READ),
  row('DELETE /api/accounts/api-keys/:id', async (w, t) => {
    const { record } = await t.get(AuthService).createApiToken({ user: w.users.A, via: 'session' }, { name: 'nexterm key', permissions: ['identities.read'] });
    return { path: `/api/accounts/api-keys/${record.id}` };
  }, ['ok', 404, 404, 404, 404, 403, 403, 403]),
  row('GET /api/sshid/v1/keys', async () => ({ path: '/api/sshid/v1/keys' }), ['ok', 'ok', 'ok', 'ok', 'ok', 403, 'ok', 403]),
  row('POST /api/sshid/v1/keys', async () => ({ path: '/api/sshid/v1/keys', body: { name: fresh('k'), key: freshEd25519PublicKey() } }), SESSIONS_ONLY),
  row('PATCH /api/sshid/v1/keys/:id', async (w, t) => ({ path: `/api/sshid/v1/keys/${(await personalKey(t, w.users.A)).id}`, body: { expiresAt: null } }), ['ok', 404, 404, 404, 'ok', 403, 403, 403]),
  // Only host tokens (API tokens carrying authorized_keys.read) are answered; sessions and other tokens are not.
  row('GET /api/sshid/v1/authorized-keys', async (w) => ({ path: `/api/sshid/v1/authorized-keys?login=${w.users.A.login}` }), Array(8).fill(403)),
  row('POST /api/sshid/v1/import', async () => ({ path: '/api/sshid/v1/import', body: { users: [{ login: `seeded${++serial}` }] } }), ADMIN_ONLY),
  row('POST /api/sshid/v1/tokens', async (w) => ({ path: '/api/sshid/v1/tokens', body: { name: 'matrix', permissions: ['identities.read'], team: w.Y.slug } }), [403, 'ok', 403, 403, 'ok', 403, 403, 403]),
  row('DELETE /api/sshid/v1/tokens/:id', async (w, t) => {
    const { record } = await t.get(AuthService).createApiToken(t.principal(w.users.A), { name: 'victim', permissions: [] });
    return { path: `/api/sshid/v1/tokens/${record.id}` };
  }, ['ok', 404, 404, 404, 404, 403, 403, 403]),
];

/** Routes that only ever touch the caller's own data or nothing at all: every caller gets an answer, never a 500. */
const SELF_OR_PUBLIC = [
  'GET /health',
  // `/<login>.keys`: public keys are public (GitHub's convention); SSHID_PUBLIC_KEYS_ENDPOINT=false turns it off.
  'GET /:file',
  'GET /health/live',
  'GET /health/ready',
  // Not served without SSHID_METRICS_TOKEN (404 for everyone); with it, the token is the only way in.
  'GET /metrics',
  'GET /api/service/is-fts',
  'GET /api/service/version',
  'POST /api/accounts/register',
  'GET /api/accounts/me',
  'POST /api/auth/login',
  'POST /api/auth/logout',
  'GET /api/sessions/list',
  'POST /api/auth/device/create',
  'POST /api/auth/device/poll',
  'POST /api/auth/device/info',
  'POST /api/auth/device/authorize',
  'GET /api/organizations/invitations/pending',
  'GET /api/users',
  'GET /api/status',
  'GET /apidoc/apipie_checksum',
  'GET /apidoc/v2.json',
  'GET /apidoc/v2.en.json',
  'POST /api/sshid/v1/auth/login',
  'GET /api/sshid/v1/tokens',
  'GET /v1/login',
  // The Nexterm web client's boot routes: fixed answers, or the caller's own API keys (sshid tokens, scoped by owner).
  'GET /api/auth/providers',
  'GET /api/audit/metadata',
  'GET /api/permissions/catalog',
  'GET /api/permissions/groups',
  'GET /api/keymaps',
  'GET /api/ai',
  'GET /api/tags/list',
  'GET /api/scripts',
  'GET /api/scripts/all',
  'GET /api/scripts/sources',
  'GET /api/snippets/all',
  'GET /api/snippets/sources',
  'GET /api/entries/list',
  'GET /api/entries/recent',
  'GET /api/accounts/passkeys',
  'GET /api/accounts/totp/secret',
  'GET /api/accounts/api-keys',
  'POST /api/accounts/api-keys',
];

/** Other spellings of the same routes (Foreman's /api/v2, Nexterm's documented singular paths). */
function canonical(route: string): string {
  return route
    .replace(' /api/v2/', ' /api/')
    .replace(/ \/api\/(identity|organization|account|session)(\/|$)/, (_m, noun: string, end: string) => ` /api/${noun === 'identity' ? 'identities' : `${noun}s`}${end}`);
}

describe('isolation matrix: every route × every caller', () => {
  let t: TestApp;
  let world: World;
  const credentials = {} as Record<Actor, string>;

  beforeAll(async () => {
    t = await startTestApp(DIALECT_MODULES);
    const users = {
      A: await t.createUser('usera'),
      Bm: await t.createUser('userbm'),
      Bp: await t.createUser('userbp'),
      P: await t.createUser('userp'),
      Admin: await t.createUser('root', { isAdmin: true }),
    };
    await t.createUser('outsider');
    const X = await t.createOrganization(users.A, 'Org X');
    await t.addMember(X.id, users.Bm, 'active', ['identities.manage']);
    await t.addMember(X.id, users.Bp, 'active');
    await t.addMember(X.id, users.P, 'pending');
    const Y = await t.createOrganization(users.Bm, 'Org Y');
    world = { users, X, Y };
    for (const actor of ['A', 'Bm', 'Bp', 'P', 'Admin'] as const) credentials[actor] = await t.sessionToken(users[actor]);
    credentials.A_read = await t.apiToken(users.A, ['identities.read']);
    credentials.A_keys = await t.apiToken(users.A, ['ssh_keys.view']);
    credentials.A_teamX = await t.apiToken(users.A, ['identities.read', 'identities.create', 'identities.update', 'identities.delete'], X.slug);
  });
  afterAll(() => t.close());

  it('lists every route the application serves', () => {
    const listed = new Set([...ROWS.map((r) => r.route), ...SELF_OR_PUBLIC]);
    const missing = [...new Set(registeredRoutes(t.app).map(canonical))].filter((route) => !listed.has(route));
    expect(missing).toEqual([]);
  });

  describe.each(ROWS.map((r) => [r.route, r] as const))('%s', (_route, rowUnderTest) => {
    it.each([...ACTORS])('as %s', async (actor) => {
      const { path, body } = await rowUnderTest.request(world, t);
      const method = rowUnderTest.route.split(' ')[0].toLowerCase() as 'get' | 'post' | 'put' | 'patch' | 'delete';
      let request = t.http()[method](path).set('Authorization', `Bearer ${credentials[actor]}`);
      if (body !== undefined) request = request.send(body as object);
      const response = await request;
      const expected = rowUnderTest.expect[actor];
      const outcome: Outcome = response.status >= 200 && response.status < 300 ? 'ok' : (response.status as Outcome);
      // The body rides along so a failure shows what the caller was told.
      expect({ outcome, body: response.text }).toEqual({ outcome: expected, body: response.text });
      if (expected !== 'ok') expect(response.text).not.toMatch(/canary/);
    });
  });

  it('left A\'s personal identities untouched by other callers\' PUTs', async () => {
    const rows = await t.dataSource.query(`SELECT count(*)::int AS n FROM identities WHERE owner_user_id = $1 AND name = 'replaced by put'`, [world.users.A.id]);
    // Only A's own PUT may have replaced one of A's identities.
    expect(rows[0].n).toBe(1);
  });

  it.each(['A', 'Bp', 'P'] as const)("never lists another tenant's identities to %s", async (actor) => {
    const others = await t.dataSource.query(
      `SELECT id FROM identities WHERE (owner_user_id IS DISTINCT FROM $1) AND (organization_id IS NULL OR organization_id NOT IN
         (SELECT organization_id FROM organization_members WHERE user_id = $1 AND status = 'active'))`,
      [world.users[actor].id],
    );
    const response = await t.http().get('/api/identities/list').set('Authorization', `Bearer ${credentials[actor]}`).expect(200);
    const seen = new Set(response.body.map((i: { id: number }) => i.id));
    expect(others.length).toBeGreaterThan(0);
    expect(others.filter((o: { id: number }) => seen.has(o.id))).toEqual([]);
  });
});
