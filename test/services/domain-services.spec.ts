import { PasswordLockoutService } from '../../src/auth/password-lockout.service';
import { Principal } from '../../src/auth/principal';
import { ForbiddenError, NotFoundError, TooManyAttemptsError, UnauthenticatedError, ValidationError } from '../../src/common/domain-errors';
import { IdentitiesService } from '../../src/identities/identities.service';
import { PublicKeysService } from '../../src/keys/public-keys.service';
import { OrganizationsService } from '../../src/organizations/organizations.service';
import { User } from '../../src/users/user.entity';
import { freshEd25519PublicKey, publicKey } from '../fixtures/keys';
import { startTestApp, TestApp } from '../support/test-app';

/**
 * The domain services on the real database, with no dialect mounted: each rule pinned where it lives, not only
 * through the three dialects' HTTP routes.
 */
describe('domain services', () => {
  let t: TestApp;
  let identities: IdentitiesService;
  let keys: PublicKeysService;
  let organizations: OrganizationsService;
  let owner: User;
  let member: User;
  let outsider: User;
  const as = (user: User, token?: Principal['token']): Principal => ({ user, via: token ? 'api_token' : 'session', token });

  beforeAll(async () => {
    t = await startTestApp([]);
    identities = t.get(IdentitiesService);
    keys = t.get(PublicKeysService);
    organizations = t.get(OrganizationsService);
    owner = await t.createUser('svc-owner');
    member = await t.createUser('svc-member');
    outsider = await t.createUser('svc-outsider');
  });
  afterAll(() => t.close());

  describe('IdentitiesService with the access rules', () => {
    it('keeps personal identities to their owner and audits each write', async () => {
      const created = await identities.create(as(owner), { kind: 'personal' }, { name: 'Laptop Keys', publicKeys: [freshEd25519PublicKey('svc')] });
      expect(created.slug).toBe('laptop-keys');
      await expect(identities.getBySlug(as(outsider), { kind: 'personal' }, 'laptop-keys')).rejects.toBeInstanceOf(NotFoundError);
      await expect(identities.updateById(as(outsider), created.id, { name: 'Taken' })).rejects.toBeInstanceOf(ForbiddenError);
      const [event] = await t.dataSource.query(`SELECT action, actor_user_id FROM audit_events WHERE resource_id = $1 ORDER BY id LIMIT 1`, [String(created.id)]);
      expect(event).toEqual({ action: 'identity.create', actor_user_id: owner.id });
    });

    it("lets a member read an organization's identities but change them only with identities.manage", async () => {
      const org = await t.createOrganization(owner, 'Svc Team');
      await t.addMember(org.id, member);
      const scope = { kind: 'organization' as const, id: org.id };
      await identities.create(as(owner), scope, { name: 'Shared Deploy' });
      expect(await identities.list(as(member), scope, { limit: 10, offset: 0 })).toEqual({ identities: [expect.objectContaining({ name: 'Shared Deploy' })], hasMore: false });
      await expect(identities.create(as(member), scope, { name: 'Not Allowed' })).rejects.toThrow(ForbiddenError);
      await organizations.changeMemberPermissions(as(owner), org.id, member.id, { grant: ['identities.manage'], revoke: [] });
      await expect(identities.create(as(member), scope, { name: 'Allowed Now' })).resolves.toMatchObject({ slug: 'allowed-now' });
      await expect(identities.list(as(outsider), scope, { limit: 10, offset: 0 })).rejects.toThrow(ForbiddenError);
    });

    it('confines a token to its permissions and its team', async () => {
      const org = await t.createOrganization(owner, 'Svc Bound');
      const bound = as(owner, { id: 'x', permissions: ['identities.read'], organizationId: org.id });
      await expect(identities.list(bound, { kind: 'personal' }, { limit: 10, offset: 0 })).rejects.toThrow('bound to a team');
      await expect(identities.create(bound, { kind: 'organization', id: org.id }, { name: 'No Create' })).rejects.toThrow(ForbiddenError);
      await expect(identities.list(bound, { kind: 'organization', id: org.id }, { limit: 10, offset: 0 })).resolves.toEqual({ identities: [], hasMore: false });
    });

    it('matches a key to the identities whose project and tag restrictions allow the target', async () => {
      const key = publicKey('ecdsa384');
      const any = await identities.create(as(member), { kind: 'personal' }, { name: 'Any Tag', publicKeys: [key], restrictions: { projects: { enabled: false }, tags: { enabled: true, items: ['prod', 'eu'], matchCondition: 'or' } } });
      await identities.create(as(member), { kind: 'personal' }, { name: 'All Tags', publicKeys: [key], restrictions: { projects: { enabled: true, items: ['web'] }, tags: { enabled: true, items: ['prod', 'eu'], matchCondition: 'and' } } });
      const fp = any.keys![0].fingerprintSha256;
      const names = async (target: { project?: string; tags: string[] }) => (await identities.match(as(member), { kind: 'personal' }, fp, target)).map((i) => i.name);
      expect(await names({ tags: ['prod'] })).toEqual(['Any Tag']);
      expect(await names({ project: 'web', tags: ['prod', 'eu'] })).toEqual(['Any Tag', 'All Tags']);
      expect(await names({ project: 'api', tags: ['prod', 'eu'] })).toEqual(['Any Tag']);
      expect(await names({ project: 'web', tags: ['us'] })).toEqual([]);
    });
  });

  describe('PublicKeysService', () => {
    it("reports every broken rule of a new key at once, and reaches another user's keys only with the grant", async () => {
      const error = await keys.addForUser(as(owner), owner.id, { name: '', key: 'not a key' }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).violations.map((v) => `${v.field}.${v.code}`)).toEqual(['name.blank', 'key.invalid', 'key.format', 'fingerprint.missing', 'length.missing']);
      await keys.addForUser(as(owner), owner.id, { name: 'work', key: publicKey('ed25519') });
      await expect(keys.listForUser(as(outsider), owner.id, { limit: null, offset: 0 })).rejects.toThrow(ForbiddenError);
      await expect(keys.findForUser(as(owner), owner.id, [{ name: 'nope' }, { name: 'work' }], 'work')).resolves.toMatchObject({ name: 'work' });
    });
  });

  describe('OrganizationsService', () => {
    it('loses no grant when two permission changes for one member race', async () => {
      const org = await t.createOrganization(owner, 'Svc Race');
      await t.addMember(org.id, outsider);
      await Promise.all([
        organizations.changeMemberPermissions(as(owner), org.id, outsider.id, { grant: ['identities.manage'], revoke: [] }),
        organizations.changeMemberPermissions(as(owner), org.id, outsider.id, { grant: ['audit.view'], revoke: [] }),
      ]);
      expect((await organizations.memberPermissions(as(owner), org.id, outsider.id)).permissions).toEqual(['audit.view', 'identities.manage']);
    });
  });

  describe('PasswordLockoutService', () => {
    it('lets the allowed failures through, then refuses without calling the check; a success forgets the login', async () => {
      const lockout = t.get(PasswordLockoutService);
      let checks = 0;
      const wrong = () => lockout.guard('svc-lock', '192.0.2.200', async () => {
        checks += 1;
        throw new UnauthenticatedError('invalid');
      });
      for (let i = 0; i < 5; i += 1) await expect(wrong()).rejects.toBeInstanceOf(UnauthenticatedError);
      const refused = await wrong().catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(TooManyAttemptsError);
      expect((refused as TooManyAttemptsError).retryAfterSeconds).toBeGreaterThan(0);
      expect(checks).toBe(5);
      await t.dataSource.query(`UPDATE attempt_counters SET locked_until = NULL WHERE subject = 'svc-lock'`);
      await expect(lockout.guard('SVC-LOCK', '192.0.2.201', async () => 'ok')).resolves.toBe('ok');
      expect(await t.dataSource.query(`SELECT count(*)::int AS n FROM attempt_counters WHERE subject = 'svc-lock'`)).toEqual([{ n: 0 }]);
    });
  });
});
