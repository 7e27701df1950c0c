import { ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { AddressInfo } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { DIALECT_MODULES } from '../../src/dialects';
import { User } from '../../src/users/user.entity';
import { eventually, freePort, ROOT } from '../support/server-process';
import { startTestApp, TestApp } from '../support/test-app';

const SSHD = '/usr/sbin/sshd';
const available = existsSync(SSHD) && existsSync('/usr/bin/ssh') && process.getuid?.() === 0;
// CI (.ci/run) installs openssh-server and runs as root; there a missing sshd is a failure, not a skip.
if (!available && process.env.SSHID_REQUIRE_SSHD) throw new Error('sshd e2e: needs root and Debian openssh-server (SSHID_REQUIRE_SSHD is set)');
if (!available) console.warn('sshd e2e skipped: needs root, /usr/sbin/sshd and /usr/bin/ssh (bash .ci/run installs openssh-server)');
const describeWithSshd = available ? describe : describe.skip;

/**
 * A real OpenSSH server asks sshid at login through `AuthorizedKeysCommand` running `sshid authorized-keys`:
 * keys added through Foreman, and keys of a Nexterm identity whose username is the login and whose restrictions
 * (set through Northflank) allow the server's tags, log in; deleted, expired and excluded keys do not.
 */
describeWithSshd('sshd asks sshid at login', () => {
  const login = userInfo().username;
  // sshd insists the command and every folder above it belong to root and are not writable by others: /tmp is not.
  const dir = available ? mkdtempSync('/run/sshid-sshd-') : '';
  const keysDir = mkdtempSync(join(tmpdir(), 'sshid-ssh-keys-'));
  const conf = join(dir, 'authorized-keys.conf');
  let t: TestApp;
  let base: string;
  let sshd: ChildProcess;
  let sshdLog = '';
  let port: number;
  let owner: User;
  let session: string;
  let hostToken: string;

  function keygen(name: string, type: string): string {
    const path = join(keysDir, name);
    execFileSync('ssh-keygen', ['-q', '-t', type, '-N', '', '-C', name, '-f', path]);
    return path;
  }

  function writeConfig(tags: string, url = base): void {
    writeFileSync(conf, `url = ${url}\ntoken = ${hostToken}\nproject = web\ntags = ${tags}\ntimeout = 3\n`, { mode: 0o600 });
    chmodSync(conf, 0o600);
  }

  /**
   * `ssh -i key login@127.0.0.1 echo …`: true when the server let the key in. Asynchronous: sshid answers sshd from
   * this very process, so the event loop must stay free while ssh runs.
   */
  function sshWith(key: string): Promise<boolean> {
    const args = [
      '-i', key, '-p', String(port),
      '-o', 'BatchMode=yes', '-o', 'IdentitiesOnly=yes', '-o', 'IdentityAgent=none', '-o', 'StrictHostKeyChecking=no',
      '-o', 'UserKnownHostsFile=/dev/null', '-o', 'LogLevel=ERROR', '-o', 'ConnectTimeout=10',
      `${login}@127.0.0.1`, 'echo', 'sshid-login-ok',
    ];
    return new Promise((resolve) => {
      const ssh = spawn('/usr/bin/ssh', args, { stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      let err = '';
      ssh.stdout!.on('data', (chunk) => (out += chunk));
      ssh.stderr!.on('data', (chunk) => (err += chunk));
      const timer = setTimeout(() => ssh.kill('SIGKILL'), 30_000);
      ssh.on('close', (code) => {
        clearTimeout(timer);
        if (process.env.DEBUG_SSHD) console.log(code, out, err, sshdLog.slice(-3000));
        resolve(code === 0 && out.trim() === 'sshid-login-ok');
      });
    });
  }

  const bearer = (token: string) => `Bearer ${token}`;

  beforeAll(async () => {
    t = await startTestApp(DIALECT_MODULES);
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
    owner = await t.createUser(login);
    session = await t.sessionToken(owner);
    const host = await t.http().post('/api/sshid/v1/tokens').set('Authorization', bearer(session)).send({ name: 'web-1 host', permissions: ['authorized_keys.read'] }).expect(201);
    hostToken = host.body.token;
    writeConfig('prod,eu');

    chmodSync(dir, 0o755);
    const command = join(dir, 'sshid-authorized-keys');
    writeFileSync(command, `#!/bin/sh\nexec ${process.execPath} ${join(ROOT, 'dist', 'cli', 'main.js')} authorized-keys --config ${conf} "$@"\n`, { mode: 0o755 });
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, 'host_ed25519')]);
    port = await freePort();
    writeFileSync(
      join(dir, 'sshd_config'),
      [
        `Port ${port}`,
        'ListenAddress 127.0.0.1',
        `HostKey ${join(dir, 'host_ed25519')}`,
        `PidFile ${join(dir, 'sshd.pid')}`,
        'AuthorizedKeysFile none',
        `AuthorizedKeysCommand ${command} %u %f %t`,
        'AuthorizedKeysCommandUser root',
        'PubkeyAuthentication yes',
        'PasswordAuthentication no',
        'KbdInteractiveAuthentication no',
        'UsePAM no',
        'PermitRootLogin prohibit-password',
        'StrictModes no',
        'LogLevel VERBOSE',
      ].join('\n') + '\n',
    );
    mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
    sshd = spawn(SSHD, ['-D', '-e', '-f', join(dir, 'sshd_config')], { stdio: ['ignore', 'ignore', 'pipe'] });
    sshd.stderr!.on('data', (chunk) => (sshdLog += chunk));
    await eventually(() => sshdLog.includes('Server listening'), 10_000, 'sshd to listen');
  }, 60_000);

  afterAll(async () => {
    sshd?.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
    rmSync(keysDir, { recursive: true, force: true });
    await t?.close();
  });

  it('lets in a key added through Foreman, and records its last use', async () => {
    const key = keygen('foreman', 'ed25519');
    const created = await t.http().post(`/api/users/${owner.id}/ssh_keys`).set('Authorization', bearer(session)).send({ name: 'laptop', key: readFileSync(`${key}.pub`, 'utf8') }).expect(201);
    expect(await sshWith(key)).toBe(true);
    const [row] = await t.dataSource.query(`SELECT last_used_at FROM public_keys WHERE id = $1`, [created.body.id]);
    expect(row.last_used_at).toBeInstanceOf(Date);
    const listed = await t.http().get('/api/sshid/v1/keys').set('Authorization', bearer(session)).expect(200);
    expect(listed.body.find((k: { id: number }) => k.id === created.body.id)).toMatchObject({ lastUsedAt: expect.any(String), expired: false });
  }, 60_000);

  it("lets in a Nexterm identity's key for its username where its tags (set through Northflank) allow the server, and nowhere else", async () => {
    const key = keygen('identity', 'ecdsa');
    const identity = await t.http().put('/api/identities').set('Authorization', bearer(session))
      .send({ name: 'Web Deploy', type: 'ssh', username: login, sshKey: readFileSync(key, 'utf8') }).expect(200);
    const token = (
      await t.http().post('/api/sshid/v1/tokens').set('Authorization', bearer(session)).send({ name: 'nf', permissions: ['identities.read', 'identities.update', 'identities.delete'] }).expect(201)
    ).body.token;
    const listed = await t.http().get('/v1/integrations/ssh-identities').set('Authorization', bearer(token)).expect(200);
    const slug = listed.body.data.identities.find((i: { name: string }) => i.name === 'Web Deploy').id;
    await t.http().patch(`/v1/integrations/ssh-identities/${slug}`).set('Authorization', bearer(token))
      .send({ restrictions: { projects: { enabled: true, items: ['web'] }, tags: { enabled: true, items: ['prod'], matchCondition: 'or' } } }).expect(200);
    expect(await sshWith(key)).toBe(true);
    const [row] = await t.dataSource.query(`SELECT k.last_used_at FROM public_keys k WHERE k.identity_id = $1`, [identity.body.id]);
    expect(row.last_used_at).toBeInstanceOf(Date);

    // A server whose tags the restrictions exclude.
    writeConfig('dev');
    expect(await sshWith(key)).toBe(false);
    writeConfig('prod,eu');
    expect(await sshWith(key)).toBe(true);

    // Deleted through Northflank: refused at once.
    await t.http().delete(`/v1/integrations/ssh-identities/${slug}`).set('Authorization', bearer(token)).expect(200);
    expect(await sshWith(key)).toBe(false);
  }, 90_000);

  it("refuses a key once it has expired (set through sshid's own API)", async () => {
    const key = keygen('expiring', 'ed25519');
    const created = await t.http().post('/api/sshid/v1/keys').set('Authorization', bearer(session))
      .send({ name: 'contractor', key: readFileSync(`${key}.pub`, 'utf8').trim(), expiresAt: new Date(Date.now() + 3_600_000).toISOString() }).expect(201);
    expect(await sshWith(key)).toBe(true);
    const expired = await t.http().patch(`/api/sshid/v1/keys/${created.body.id}`).set('Authorization', bearer(session)).send({ expiresAt: new Date(Date.now() - 1000).toISOString() }).expect(200);
    expect(expired.body).toMatchObject({ expired: true });
    expect(await sshWith(key)).toBe(false);
  }, 60_000);

  it('prints nothing and exits 0 promptly when sshid is unreachable or the configuration is unsafe', () => {
    const cli = (config: string) =>
      spawnSync(process.execPath, [join(ROOT, 'dist', 'cli', 'main.js'), 'authorized-keys', '--config', config, login], { encoding: 'utf8', timeout: 20_000 });
    const dead = join(dir, 'dead.conf');
    writeFileSync(dead, `url = http://127.0.0.1:9\ntoken = ${hostToken}\ntimeout = 2\n`, { mode: 0o600 });
    const started = Date.now();
    const unreachable = cli(dead);
    expect([unreachable.status, unreachable.stdout]).toEqual([0, '']);
    expect(Date.now() - started).toBeLessThan(10_000);
    const open = join(dir, 'open.conf');
    writeFileSync(open, readFileSync(conf, 'utf8'), { mode: 0o644 });
    chmodSync(open, 0o644);
    const unsafe = cli(open);
    expect([unsafe.status, unsafe.stdout]).toEqual([0, '']);
    expect(unsafe.stderr).toContain('readable by its owner only');
  });
});
