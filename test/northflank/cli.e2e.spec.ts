import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { NorthflankModule } from '../../src/northflank/northflank.module';
import { startTestApp, TestApp } from '../support/test-app';

const run = promisify(execFile);
const CLI = require.resolve('@northflank/cli/dist/cli.js');

/** Every file under a folder, as one text (the CLI keeps its contexts in a file under $HOME). */
function readTree(dir: string): string {
  if (!existsSync(dir)) return '';
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile())
    .map((entry) => readFileSync(join(entry.parentPath, entry.name), 'utf8'))
    .join('\n');
}

/** The real @northflank/cli, unchanged, logging in to sshid with an API token. */
describe('Northflank CLI: northflank login -t TOKEN --host sshid', () => {
  let t: TestApp;
  let host: string;
  let token: string;

  beforeAll(async () => {
    t = await startTestApp([NorthflankModule]);
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    host = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
    token = await t.apiToken(await t.createUser('cli-user'), ['identities.read']);
  });
  afterAll(() => t.close());

  const login = (home: string, secret: string) =>
    run(process.execPath, [CLI, 'login', '-t', secret, '--host', host, '-n', 'sshid'], {
      env: { ...process.env, HOME: home, USERPROFILE: home, NO_COLOR: '1', FORCE_COLOR: '0' },
      timeout: 20_000,
    });

  it('saves the context after sshid accepts the token at GET /v1/login', async () => {
    const home = mkdtempSync(join(tmpdir(), 'nf-home-'));
    const { stdout } = await login(home, token);
    expect(stdout).toMatch(/Successfully logged in/);
    expect(readTree(home)).toContain(host);
  }, 30_000);

  it('refuses a token sshid does not know, and saves nothing', async () => {
    const home = mkdtempSync(join(tmpdir(), 'nf-home-'));
    const result = await login(home, 'not-a-token').then(
      (r) => ({ out: r.stdout + r.stderr }),
      (e: { stdout: string; stderr: string }) => ({ out: e.stdout + e.stderr }),
    );
    expect(result.out).toMatch(/Failed to login/);
    expect(readTree(home)).not.toContain('not-a-token');
  }, 30_000);

  it('answers GET /v1/login with 200 {data} for a token, 401 in Northflank shape without', async () => {
    const ok = await t.http().get('/v1/login').set('Authorization', `Bearer ${token}`).expect(200);
    expect(ok.body).toEqual({ data: { message: 'Authenticated as cli-user' } });
    const refused = await t.http().get('/v1/login').expect(401);
    expect(refused.body.error).toMatchObject({ status: 401 });
  });
});
