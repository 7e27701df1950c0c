import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import request from 'supertest';
import { ensureDatabase } from '../../src/database/database-url';
import { freePort } from '../support/server-process';

/** The real server process (`node dist/main.js`), stopped with a real SIGTERM while a request is in flight. */
describe('SIGTERM', () => {
  const root = join(__dirname, '..', '..');
  let server: ChildProcess;
  let databaseUrl: string;
  let base: string;

  beforeAll(async () => {
    const url = new URL(process.env.SSHID_TEST_ADMIN_DATABASE_URL as string);
    url.pathname = `/sshid_sigterm_${randomBytes(4).toString('hex')}`;
    databaseUrl = url.toString();
    await ensureDatabase(databaseUrl);
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    server = spawn(process.execPath, [join(root, 'dist', 'main.js')], {
      env: {
        ...process.env,
        DATABASE_URL: databaseUrl,
        PORT: String(port),
        HOST: '127.0.0.1',
        SSHID_DATA_DIR: mkdtempSync(join(tmpdir(), 'sshid-sigterm-')),
        SSHID_ADMIN_LOGIN: 'admin',
        SSHID_ADMIN_PASSWORD: 'sigterm-admin-password',
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    for (let attempt = 0; attempt < 100; attempt += 1) {
      const ok = await request(base).get('/health').then((r) => r.status === 200, () => false);
      if (ok) return;
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error('the server did not come up');
  }, 90_000);

  afterAll(() => {
    if (server.exitCode === null) server.kill('SIGKILL');
  });

  it('finishes the in-flight request, then exits 0', async () => {
    const token = (await request(base).post('/api/auth/login').send({ username: 'admin', password: 'sigterm-admin-password' }).expect(200)).body.token;
    const created = await request(base).put('/api/identities').set('Authorization', `Bearer ${token}`).send({ name: 'Held', type: 'password', password: 'held-password' }).expect(200);
    const blocker = new Client({ connectionString: databaseUrl });
    await blocker.connect();
    await blocker.query('BEGIN');
    await blocker.query('SELECT id FROM identities WHERE id = $1 FOR UPDATE', [created.body.id]);
    const inFlight = request(base).patch(`/api/identities/${created.body.id}`).set('Authorization', `Bearer ${token}`).send({ name: 'Landed' }).then((r) => r);
    await new Promise((r) => setTimeout(r, 300));
    const exited = new Promise<number | null>((resolve) => server.once('exit', (code) => resolve(code)));
    server.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 300));
    expect(server.exitCode).toBeNull();
    await blocker.query('COMMIT');
    await blocker.end();
    const response = await inFlight;
    expect(response.status).toBe(200);
    expect(await exited).toBe(0);
    const check = new Client({ connectionString: databaseUrl });
    await check.connect();
    expect((await check.query('SELECT name FROM identities WHERE id = $1', [created.body.id])).rows).toEqual([{ name: 'Landed' }]);
    await check.end();
  }, 30_000);
});
