import { ForemanModule } from '../../src/foreman/foreman.module';
import { NextermModule } from '../../src/nexterm/nexterm.module';
import { NorthflankModule } from '../../src/northflank/northflank.module';
import { UsersService } from '../../src/users/users.service';
import { publicKey } from '../fixtures/keys';
import { IDENTITY_AND_KEY_PERMISSIONS, startTestApp, TestApp } from '../support/test-app';

describe('credentials that must stop working', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp([ForemanModule, NorthflankModule, NextermModule]);
  });
  afterAll(() => t.close());

  it("refuses a team-bound token on its owner's personal keys in Foreman, as Nexterm and Northflank do", async () => {
    const gina = await t.createUser('gina');
    const team = await t.createOrganization(gina, 'Gina Team');
    const bound = `Bearer ${await t.apiToken(gina, IDENTITY_AND_KEY_PERMISSIONS, team.slug)}`;
    const list = await t.http().get(`/api/users/${gina.id}/ssh_keys`).set('Authorization', bound).expect(403);
    expect(list.body.error.message).toBe('Access denied');
    await t.http().post(`/api/users/${gina.id}/ssh_keys`).set('Authorization', bound).send({ ssh_key: { name: 'k', key: publicKey('ed25519') } }).expect(403);
    expect(await t.count('public_keys')).toBe(0);
    // The same token still works inside its team.
    await t.http().get('/v1/integrations/ssh-identities').set('Authorization', bound).expect(200);
    const unbound = `Bearer ${await t.apiToken(gina, IDENTITY_AND_KEY_PERMISSIONS)}`;
    await t.http().get(`/api/users/${gina.id}/ssh_keys`).set('Authorization', unbound).expect(200);
  });

  it("ends every session and API token of a user whose password an admin resets, or whom an admin disables", async () => {
    const admin = await t.createUser('root', { isAdmin: true });
    const adminSession = `Bearer ${await t.sessionToken(admin)}`;
    for (const [login, change] of [['hank', { password: 'a-new-password' }], ['ivy', { disabled: true }]] as const) {
      const user = await t.createUser(login);
      const session = `Bearer ${await t.sessionToken(user)}`;
      const token = `Bearer ${await t.apiToken(user, IDENTITY_AND_KEY_PERMISSIONS)}`;
      await t.http().get('/api/identities/list').set('Authorization', session).expect(200);
      if ('password' in change) {
        await t.http().patch(`/api/users/${user.id}/password`).set('Authorization', adminSession).send({ password: change.password }).expect(200);
      } else {
        await t.get(UsersService).update(t.principal(admin), user.id, change);
      }
      await t.http().get('/api/identities/list').set('Authorization', session).expect(401);
      await t.http().get('/v1/integrations/ssh-identities').set('Authorization', token).expect(401);
    }
    // The admin's own session is untouched.
    await t.http().get('/api/identities/list').set('Authorization', adminSession).expect(200);
  });

  it('ends a session idle for longer than SSHID_SESSION_IDLE_MINUTES, or older than SSHID_SESSION_MAX_HOURS', async () => {
    const jo = await t.createUser('jo');
    const idle = `Bearer ${await t.sessionToken(jo)}`;
    const old = `Bearer ${await t.sessionToken(jo)}`;
    const fresh = `Bearer ${await t.sessionToken(jo)}`;
    await t.http().get('/api/identities/list').set('Authorization', idle).expect(200);
    const ids: { id: string }[] = await t.dataSource.query(`SELECT id FROM sessions WHERE user_id = $1 ORDER BY created_at`, [jo.id]);
    // Defaults: a day idle, thirty days in all.
    await t.dataSource.query(`UPDATE sessions SET last_activity_at = now() - interval '1441 minutes' WHERE id = $1`, [ids[0].id]);
    await t.dataSource.query(`UPDATE sessions SET created_at = now() - interval '721 hours' WHERE id = $1`, [ids[1].id]);
    const refused = await t.http().get('/api/identities/list').set('Authorization', idle).expect(401);
    expect(refused.body).toEqual({ code: 401, message: 'The provided token is not valid' });
    await t.http().get('/v1/integrations/ssh-identities').set('Authorization', old).expect(401);
    await t.http().get('/api/identities/list').set('Authorization', fresh).expect(200);
    expect(await t.dataSource.query(`SELECT count(*)::int AS n FROM sessions WHERE user_id = $1`, [jo.id])).toEqual([{ n: 1 }]);
  });
});
