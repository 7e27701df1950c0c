import { ChildProcess, spawn } from 'node:child_process';
import { chmodSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { DIALECT_MODULES } from '../../src/dialects';
import { User } from '../../src/users/user.entity';
import { startTestApp, TestApp } from '../support/test-app';
import { freePort } from '../support/server-process';

/**
 * A PostgreSQL of its own, so it can be stopped under a running sshid: answers turn 503 in each dialect's shape and
 * come back by themselves when the database returns.
 */
interface PostgresProcess {
  url: string;
  stop(): Promise<void>;
}

function startPostgresProcess(dataDir: string, port: number): Promise<PostgresProcess> {
  const child: ChildProcess = spawn(process.execPath, [join(__dirname, '../support/postgres-process.mjs'), dataDir, String(port)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`postgres process exited with ${code}`)));
    child.stdout!.once('data', (chunk: Buffer) => {
      const { url } = JSON.parse(chunk.toString().split('\n')[0]);
      resolve({
        url,
        stop: () =>
          new Promise<void>((done) => {
            child.removeAllListeners('exit');
            child.once('exit', () => done());
            child.kill('SIGTERM');
          }),
      });
    });
  });
}

describe('faults', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'sshid-faults-'));
  let postgres: PostgresProcess;
  let port: number;
  let t: TestApp;
  let alice: User;
  let token: string;
  const previousAdminUrl = process.env.SSHID_TEST_ADMIN_DATABASE_URL;

  beforeAll(async () => {
    chmodSync(dataDir, 0o755);
    port = await freePort();
    postgres = await startPostgresProcess(dataDir, port);
    process.env.SSHID_TEST_ADMIN_DATABASE_URL = postgres.url;
    t = await startTestApp(DIALECT_MODULES);
    alice = await t.createUser('alice');
    token = await t.apiToken(alice, ['identities.read', 'identities.create', 'ssh_keys.view']);
  }, 60_000);

  afterAll(async () => {
    process.env.SSHID_TEST_ADMIN_DATABASE_URL = previousAdminUrl;
    await t?.app.close().catch(() => undefined);
    await postgres?.stop();
  });

  const auth = () => `Bearer ${token}`;

  it('answers 503 while PostgreSQL is down and recovers by itself', async () => {
    await t.http().get('/health').expect(200);
    await postgres.stop();

    const health = await t.http().get('/health');
    expect(health.status).toBe(503);
    expect(health.body).toEqual({ status: 'unavailable' });

    const northflank = await t.http().get('/v1/integrations/ssh-identities').set('Authorization', auth());
    expect(northflank.status).toBe(503);
    expect(northflank.body.error).toMatchObject({ status: 503, message: expect.any(String), id: expect.any(String) });

    const foreman = await t.http().get(`/api/users/${alice.id}/ssh_keys`).set('Authorization', auth());
    expect(foreman.status).toBe(503);
    expect(foreman.body).toEqual({ error: { message: expect.any(String) } });

    const nexterm = await t.http().get('/api/identities/list').set('Authorization', auth());
    expect(nexterm.status).toBe(503);
    expect(nexterm.body).toEqual({ code: 503, message: expect.any(String) });

    postgres = await startPostgresProcess(dataDir, port);
    let recovered = 0;
    for (let attempt = 0; attempt < 50 && recovered !== 200; attempt += 1) {
      recovered = (await t.http().get('/v1/integrations/ssh-identities').set('Authorization', auth())).status;
      if (recovered !== 200) await new Promise((r) => setTimeout(r, 200));
    }
    expect(recovered).toBe(200);
    await t.http().get('/health').expect(200);
  }, 60_000);

  it('drains an in-flight request before closing', async () => {
    await t.http().post('/v1/integrations/ssh-identities').set('Authorization', auth()).send({ name: 'Held Row' }).expect(200);
    // Hold the row so a write waits on it, then close the app while that write is in flight.
    const blocker = new Client({ connectionString: (t.dataSource.options as { url: string }).url });
    await blocker.connect();
    await blocker.query('BEGIN');
    await blocker.query(`SELECT id FROM identities WHERE slug = 'held-row' FOR UPDATE`);
    const patchToken = await t.apiToken(alice, ['identities.update']);
    const inFlight = t.http().patch('/v1/integrations/ssh-identities/held-row').set('Authorization', `Bearer ${patchToken}`).send({ description: 'landed' }).then((r) => r);
    await new Promise((r) => setTimeout(r, 300));
    const closing = t.app.close();
    await new Promise((r) => setTimeout(r, 300));
    await blocker.query('COMMIT');
    await blocker.end();
    const response = await inFlight;
    await closing;
    expect(response.status).toBe(200);
    expect(response.body.data.description).toBe('landed');
  }, 30_000);
});
