import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildCli } from '../../src/cli/sshid-cli';
import { IdentitiesService } from '../../src/identities/identities.service';
import { SecretBox } from '../../src/secrets/secret-box';
import { Identity } from '../../src/identities/identity.entity';
import { keyFile, publicKey, sshKeygenFingerprints } from '../fixtures/keys';
import { startTestApp, TestApp } from '../support/test-app';

describe('sshid command line', () => {
  let t: TestApp;
  let out: string[];
  let err: string[];

  beforeAll(async () => {
    t = await startTestApp();
    await t.createUser('ops');
  });
  afterAll(() => t.close());

  async function run(...args: string[]) {
    out = [];
    err = [];
    const cli = buildCli(async () => ({ context: t.app, close: async () => undefined }), { out: (l) => out.push(l), err: (l) => err.push(l) });
    return cli.parseAsync(['node', 'sshid', ...args]);
  }

  describe('sshid token create', () => {
    it('prints a working token once, with Northflank permission names accepted', async () => {
      await run('token', 'create', '--user', 'ops', '--name', 'ci', '--permission', 'Account > Ssh > General > Read', 'view_ssh_keys');
      expect(out).toHaveLength(1);
      const [stored] = await t.dataSource.query(`SELECT permissions, token_hash FROM api_tokens WHERE name = 'ci'`);
      expect(stored.permissions).toEqual(['identities.read', 'ssh_keys.view']);
      expect(stored.token_hash).not.toBe(out[0]);
    });

    it('fails for an unknown user', async () => {
      await expect(run('token', 'create', '--user', 'nobody', '--name', 'x')).rejects.toThrow('No user "nobody"');
    });
  });

  describe('sshid keys import', () => {
    it('imports an authorized_keys file, skipping comments and options, reporting each line', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'sshid-cli-'));
      const file = join(dir, 'authorized_keys');
      writeFileSync(file, ['# team keys', '', publicKey('ed25519'), `no-pty,from="10.0.0.1" ${publicKey('rsa2048')}`, 'garbage line', publicKey('ed25519')].join('\n'));
      await expect(run('keys', 'import', '--user', 'ops', file)).rejects.toThrow('1 lines could not be imported');
      expect(out).toEqual([
        `${file}:3: added`,
        `${file}:4: added`,
        expect.stringMatching(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:5: failed \\(`)),
        `${file}:6: already present`,
        '2 added, 1 already present, 1 failed',
      ]);
      const rows = await t.dataSource.query(`SELECT name, fingerprint_sha256 FROM public_keys WHERE identity_id IS NULL ORDER BY id`);
      expect(rows).toEqual([
        { name: 'alice@ed25519', fingerprint_sha256: sshKeygenFingerprints.ed25519.sha256 },
        { name: 'alice@rsa2048', fingerprint_sha256: sshKeygenFingerprints.rsa2048.sha256 },
      ]);
    });
  });

  describe('sshid rotate-key', () => {
    it('re-encrypts every secret so that only the new key opens them', async () => {
      const [ops] = await t.dataSource.query(`SELECT id FROM users WHERE login = 'ops'`);
      const user = await t.dataSource.getRepository('User').findOneByOrFail({ id: ops.id });
      await t.get(IdentitiesService).create(t.principal(user as never), { kind: 'personal' }, { name: 'rotating', type: 'both', password: 'rotate-me', privateKey: keyFile('ed25519-encrypted'), passphrase: 'correct horse' });
      const newKey = SecretBox.generateKey();
      await run('rotate-key', '--new-key', newKey);
      expect(out[0]).toBe('Re-encrypted 3 secrets in 1 rows.');
      const row = await t.dataSource.getRepository(Identity).createQueryBuilder('i')
        .addSelect(['i.passwordSecret', 'i.privateKeySecret', 'i.passphraseSecret']).where(`i.name = 'rotating'`).getOneOrFail();
      const next = new SecretBox(newKey);
      expect(next.open(row.passwordSecret!)).toBe('rotate-me');
      expect(next.open(row.passphraseSecret!)).toBe('correct horse');
      expect(next.open(row.privateKeySecret!)).toContain('OPENSSH PRIVATE KEY');
      expect(() => new SecretBox(t.config.SSHID_ENCRYPTION_KEY!).open(row.passwordSecret!)).toThrow();
    });

    it('refuses a malformed key and changes nothing', async () => {
      const before = await t.dataSource.query(`SELECT password_secret FROM identities WHERE name = 'rotating'`);
      await expect(run('rotate-key', '--new-key', 'abc')).rejects.toThrow('64 hex characters');
      expect(await t.dataSource.query(`SELECT password_secret FROM identities WHERE name = 'rotating'`)).toEqual(before);
    });
  });
});
