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
});
