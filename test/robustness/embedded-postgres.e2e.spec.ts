import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { isProcessAlive } from '../../src/database/postmaster-lock';
import { eventually, ServerProcess, startServerProcess } from '../support/server-process';

const alive = isProcessAlive;

/**
 * The embedded PostgreSQL as the real server process runs it (`npm start` with no DATABASE_URL): restarted after a
 * SIGKILL under load with no acknowledged write lost, adopted when sshid itself was killed, started despite a lock
 * file whose PID an unrelated process now holds.
 */
describe('the embedded PostgreSQL, supervised', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'sshid-embedded-'));
  const lockFile = join(dataDir, 'postgres', 'postmaster.pid');
  const env = { SSHID_DATA_DIR: dataDir, SSHID_ADMIN_LOGIN: 'admin', SSHID_ADMIN_PASSWORD: 'embedded-admin-password', LOG_LEVEL: 'info', SSHID_METRICS_TOKEN: 'embedded-metrics-token-123' };
  const postmasterPid = () => Number(readFileSync(lockFile, 'utf8').split('\n')[0]);
  let server: ServerProcess | undefined;
  const acknowledged: string[] = [];

  afterAll(async () => {
    if (server && server.child.exitCode === null) {
      server.child.kill('SIGTERM');
      await server.exited;
    }
  });

  async function login(base: string): Promise<string> {
    return (await request(base).post('/api/auth/login').send({ username: 'admin', password: 'embedded-admin-password' }).expect(200)).body.token;
  }

  it('restarts a postmaster killed with SIGKILL under load: 503 meanwhile, back by itself, no acknowledged write lost', async () => {
    server = await startServerProcess(env, { timeoutMs: 90_000 });
    const { base } = server;
    const token = await login(base);
    const statuses: number[] = [];
    let writing = true;
    let sequence = 0;
    const writer = async () => {
      while (writing) {
        const name = `id-${(sequence += 1)}`;
        const answer = await request(base).put('/api/identities').set('Authorization', `Bearer ${token}`).send({ name, type: 'password', password: 'p' }).then((r) => r, () => null);
        statuses.push(answer?.status ?? 0);
        if (answer?.status === 200) acknowledged.push(name);
        else if (answer?.status === 503) expect(answer.body).toEqual({ code: 503, message: expect.any(String) });
        if (answer?.status !== 200) await new Promise((r) => setTimeout(r, 50));
      }
    };
    const writers = [writer(), writer(), writer()];
    await eventually(() => acknowledged.length >= 20, 20_000, 'writes before the kill');
    const killed = postmasterPid();
    process.kill(killed, 'SIGKILL');
    const atKill = statuses.length;
    await eventually(() => statuses.slice(atKill).includes(503), 20_000, 'a 503 while the database is down');
    await eventually(() => statuses.slice(atKill).lastIndexOf(200) > statuses.slice(atKill).indexOf(503), 60_000, 'writes succeeding again');
    const afterRecovery = acknowledged.length;
    await eventually(() => acknowledged.length >= afterRecovery + 10, 20_000, 'more writes after recovery');
    writing = false;
    await Promise.all(writers);

    expect(postmasterPid()).not.toBe(killed);
    await request(base).get('/health').expect(200);
    expect(server.output()).toMatch(/Embedded PostgreSQL restarted .*restart #1/);
    const metrics = await request(base).get('/metrics').set('Authorization', 'Bearer embedded-metrics-token-123').expect(200);
    expect(metrics.text).toContain('sshid_embedded_postgres_restarts_total 1');
    expect([statuses.filter((s) => s !== 200 && s !== 503), server.output().split("\n").filter((l) => /"level":50/.test(l)).slice(0, 3)]).toEqual([[], []]);
    const listed = await request(base).get('/api/identities/list').set('Authorization', `Bearer ${token}`).expect(200);
    const names = new Set(listed.body.map((i: { name: string }) => i.name));
    expect(acknowledged.filter((name) => !names.has(name))).toEqual([]);
  }, 180_000);

  it('adopts the PostgreSQL a killed sshid left running, and stops it on shutdown', async () => {
    const pid = postmasterPid();
    server!.child.kill('SIGKILL');
    await server!.exited;
    expect(alive(pid)).toBe(true);

    server = await startServerProcess(env, { timeoutMs: 90_000 });
    expect(server.output()).toContain(`Adopting the embedded PostgreSQL already running for this data folder (PID ${pid}`);
    const listed = await request(server.base).get('/api/identities/list').set('Authorization', `Bearer ${await login(server.base)}`).expect(200);
    expect(listed.body.length).toBeGreaterThanOrEqual(acknowledged.length);

    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
    await eventually(() => !alive(pid), 30_000, 'the adopted postmaster to stop');
    expect(existsSync(lockFile)).toBe(false);
  }, 120_000);

  it('starts although postmaster.pid names a live unrelated process (a reused PID)', async () => {
    const stranger = spawn('sleep', ['60'], { stdio: 'ignore' });
    try {
      writeFileSync(lockFile, `${stranger.pid}\n${join(dataDir, 'postgres')}\n1764000000\n5432\n/tmp\n127.0.0.1\n  1234567  7654321\nready   \n`);
      server = await startServerProcess(env, { timeoutMs: 90_000 });
      expect(server.output()).toContain(`PID ${stranger.pid} is an unrelated process (sleep 60)`);
      await request(server.base).get('/api/identities/list').set('Authorization', `Bearer ${await login(server.base)}`).expect(200);
      expect(alive(stranger.pid!)).toBe(true);
      server.child.kill('SIGTERM');
      expect(await server.exited).toBe(0);
    } finally {
      stranger.kill('SIGKILL');
    }
  }, 120_000);
});
