import { DIALECT_MODULES } from '../../src/dialects';
import { passwordHasher } from '../../src/users/password-hasher';
import { UsersService } from '../../src/users/users.service';
import { startTestApp, TEST_PASSWORD, TestApp } from '../support/test-app';

/**
 * HTTP Basic with a password (hammer's default) pays argon2id once, not on every request: a verified password is
 * remembered as a keyed hash bound to the user's current password hash. `passwordHasher.verify` is observed (not
 * replaced) to count the argon2id checks that really run.
 */
describe('verified-password cache for HTTP Basic', () => {
  let t: TestApp;
  let verifications: jest.SpyInstance;
  const basic = (login: string, password: string) => `Basic ${Buffer.from(`${login}:${password}`).toString('base64')}`;
  const foreman = (login: string, password: string) => t.http().get('/api/users').set('Authorization', basic(login, password));

  beforeAll(async () => {
    t = await startTestApp(DIALECT_MODULES);
    verifications = jest.spyOn(passwordHasher, 'verify');
  });
  afterAll(async () => {
    verifications.mockRestore();
    await t.close();
  });

  it('checks the password once, then answers from the cache', async () => {
    await t.createUser('hank');
    verifications.mockClear();
    for (let i = 0; i < 5; i += 1) await foreman('hank', TEST_PASSWORD).expect(200);
    expect(verifications).toHaveBeenCalledTimes(1);
  });

  it('checks a password arriving on many connections at once only once, and lets every one of them in', async () => {
    await t.createUser('hugo');
    verifications.mockClear();
    const answers = await Promise.all(Array.from({ length: 30 }, () => foreman('hugo', TEST_PASSWORD)));
    // Without the shared check, 30 concurrent first uses would each count against the lockout and most get 429.
    expect(answers.map((a) => a.status)).toEqual(Array(30).fill(200));
    expect(verifications).toHaveBeenCalledTimes(1);
  });

  it('refuses the old password at once after a password change, and a disabled user at once', async () => {
    const ivy = await t.createUser('ivy');
    await foreman('ivy', TEST_PASSWORD).expect(200);
    const admin = await t.createUser('root', { isAdmin: true });
    await t.get(UsersService).update(t.principal(admin), ivy.id, { password: 'a-brand-new-password' });
    await foreman('ivy', TEST_PASSWORD).expect(401);
    await foreman('ivy', 'a-brand-new-password').expect(200);
    await t.get(UsersService).update(t.principal(admin), ivy.id, { disabled: true });
    await foreman('ivy', 'a-brand-new-password').expect(401);
  });

  it('drops the entry on a failed attempt, and the lockout still counts every wrong password', async () => {
    await t.createUser('jack');
    await foreman('jack', TEST_PASSWORD).expect(200);
    verifications.mockClear();
    await foreman('jack', 'wrong').expect(401);
    await foreman('jack', TEST_PASSWORD).expect(200);
    expect(verifications).toHaveBeenCalledTimes(2);
    for (let i = 0; i < 5; i += 1) await foreman('jack', 'wrong').expect(401);
    await foreman('jack', TEST_PASSWORD).expect(429);
  });
});

describe('verified-password cache turned off', () => {
  it('checks the password on every request with SSHID_BASIC_CACHE_SECONDS=0', async () => {
    const t = await startTestApp(DIALECT_MODULES, { SSHID_BASIC_CACHE_SECONDS: '0' });
    const verifications = jest.spyOn(passwordHasher, 'verify');
    try {
      await t.createUser('kim');
      verifications.mockClear();
      for (let i = 0; i < 3; i += 1) await t.http().get('/api/users').set('Authorization', `Basic ${Buffer.from(`kim:${TEST_PASSWORD}`).toString('base64')}`).expect(200);
      expect(verifications).toHaveBeenCalledTimes(3);
    } finally {
      verifications.mockRestore();
      await t.close();
    }
  });
});
