import { NextermModule } from '../../src/nexterm/nexterm.module';
import { INVITATIONS_PER_HOUR } from '../../src/organizations/organizations.service';
import { startTestApp, TestApp } from '../support/test-app';

describe('Nexterm invitations are limited per inviter and audited (no cheap login oracle)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp([NextermModule]);
  });
  afterAll(() => t.close());

  it(`allows ${INVITATIONS_PER_HOUR} invitations an hour per inviter, unknown logins included, then 429 with Retry-After`, async () => {
    const owner = await t.createUser('olga');
    const other = await t.createUser('otto');
    await t.createUser('real-person');
    const bearer = `Bearer ${await t.sessionToken(owner)}`;
    const org = await t.createOrganization(owner, 'Probe Target');
    const invite = (username: string, auth = bearer, id = org.id) =>
      t.http().post(`/api/organizations/${id}/invite`).set('Authorization', auth).send({ username });

    expect((await invite('real-person')).body).toEqual({ success: true, message: 'Invitation sent successfully' });
    for (let i = 1; i < INVITATIONS_PER_HOUR; i += 1) {
      const answer = await invite(`guess-${i}`);
      expect(answer.body).toEqual({ code: 404, message: 'User not found' });
    }
    const refused = await invite('otto');
    expect(refused.status).toBe(429);
    expect(refused.body).toEqual({ code: 429, message: 'Too many requests. Please try again later.' });
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(3000);
    const pending = await t.dataSource.query(`SELECT count(*)::int AS n FROM organization_members WHERE organization_id = $1 AND status = 'pending'`, [org.id]);
    expect(pending).toEqual([{ n: 1 }]);

    // Another member's budget is their own.
    const otherOrg = await t.createOrganization(other, 'Other Team');
    const otherBearer = `Bearer ${await t.sessionToken(other)}`;
    expect((await invite('real-person', otherBearer, otherOrg.id)).status).toBe(200);

    // Each attempt is in the organization's audit log, with the login tried and how it ended.
    const logs = await t.http().get('/api/audit/logs').query({ organizationId: String(org.id), action: 'organization.member.invite', limit: '100' }).set('Authorization', bearer).expect(200);
    const outcomes = logs.body.logs.map((l: { details: { username: string; outcome: string } }) => `${l.details.username}:${l.details.outcome}`);
    expect(outcomes).toHaveLength(INVITATIONS_PER_HOUR);
    expect(outcomes).toEqual(expect.arrayContaining(['real-person:invited', 'guess-1:unknown_login']));
  });
});
