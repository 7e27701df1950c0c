import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import request from 'supertest';
import { ensureDatabase } from '../../src/database/database-url';
import { MIGRATIONS } from '../../src/database/data-source-options';
import { ServerProcess, startServerProcess } from '../support/server-process';
import { StateClient } from '../support/state-client';

/**
 * Two real sshid processes on one PostgreSQL, as behind a load balancer: nothing that must hold across instances
 * lives in one process's memory.
 */
describe('two sshid instances on one database', () => {
  let a: ServerProcess;
  let b: ServerProcess;
  let databaseUrl: string;
  const password = 'two-instances-admin';

  beforeAll(async () => {
    const url = new URL(process.env.SSHID_TEST_ADMIN_DATABASE_URL as string);
    url.pathname = `/sshid_two_${randomBytes(4).toString('hex')}`;
    databaseUrl = url.toString();
    await ensureDatabase(databaseUrl);
    // Instances share the secrets (set in the environment), never a data folder.
    const shared = {
      DATABASE_URL: databaseUrl,
      SSHID_ENCRYPTION_KEY: randomBytes(32).toString('hex'),
      SSHID_JWT_SECRET: randomBytes(32).toString('hex'),
      SSHID_ADMIN_LOGIN: 'admin',
      SSHID_ADMIN_PASSWORD: password,
      LOG_LEVEL: 'info',
    };
    // Started at the same moment on an empty database.
    [a, b] = await Promise.all([
      startServerProcess({ ...shared, SSHID_DATA_DIR: mkdtempSync(join(tmpdir(), 'sshid-a-')) }),
      startServerProcess({ ...shared, SSHID_DATA_DIR: mkdtempSync(join(tmpdir(), 'sshid-b-')) }),
    ]);
  }, 120_000);

  afterAll(async () => {
    for (const server of [a, b]) {
      if (server && server.child.exitCode === null) {
        server.child.kill('SIGTERM');
        await server.exited;
      }
    }
  });

  it('migrates once when started together', async () => {
    const applied = [a, b].map((s) => (s.output().match(/Applied (\d+) migration/) ?? [])[1]);
    expect(applied.filter(Boolean)).toEqual([String(MIGRATIONS.length)]);
    const client = new Client({ connectionString: databaseUrl });
    await client.connect();
    const rows = (await client.query('SELECT name, count(*)::int AS n FROM migrations GROUP BY name')).rows;
    await client.end();
    expect(rows).toHaveLength(MIGRATIONS.length);
    expect(rows.every((r) => r.n === 1)).toBe(true);
  });

  it('refuses on B a session revoked through A', async () => {
    const token = (await request(a.base).post('/api/auth/login').send({ username: 'admin', password }).expect(200)).body.token;
    await request(b.base).get('/api/identities/list').set('Authorization', `Bearer ${token}`).expect(200);
    await request(a.base).post('/api/auth/logout').send({ token }).expect(200);
    await request(b.base).get('/api/identities/list').set('Authorization', `Bearer ${token}`).expect(401);
  });

  it('locks a login after the same number of wrong passwords spread over A and B', async () => {
    const basic = (pw: string) => `Basic ${Buffer.from(`admin:${pw}`).toString('base64')}`;
    for (let i = 0; i < 5; i += 1) {
      const server = i % 2 === 0 ? a : b;
      await request(server.base).get('/api/users').set('Authorization', basic('wrong')).expect(401);
    }
    for (const server of [a, b]) {
      const refused = await request(server.base).get('/api/users').set('Authorization', basic(password));
      expect(refused.status).toBe(429);
      expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    }
    // Let the rest of the suite log in again.
    const client = new Client({ connectionString: databaseUrl });
    await client.connect();
    await client.query(`DELETE FROM attempt_counters`);
    await client.end();
  });

  it('pushes a change made through A to a state-stream client connected to B', async () => {
    const token = (await request(b.base).post('/api/auth/login').send({ username: 'admin', password }).expect(200)).body.token;
    const client = new StateClient(`${b.base.replace('http', 'ws')}/api/ws/state?sessionToken=${encodeURIComponent(token)}&tabId=t&browserId=b`);
    await client.next((m) => m.type === 'IDENTITIES');
    const mark = client.messages.length;
    await request(a.base).put('/api/identities').set('Authorization', `Bearer ${token}`).send({ name: 'Made on A', type: 'password', password: 'pw' }).expect(200);
    const pushed = await client.next((m) => m.type === 'IDENTITIES' && (m.data as { name: string }[]).some((i) => i.name === 'Made on A'), mark);
    expect(pushed.type).toBe('IDENTITIES');
    client.close();
  });
});

describe('migrations under the advisory lock', () => {
  it('four instances initialising at once on an empty database migrate it exactly once, all successfully', async () => {
    const { initializeWithMigrations } = await import('../../src/database/migrate');
    const { dataSourceOptions } = await import('../../src/database/data-source-options');
    const url = new URL(process.env.SSHID_TEST_ADMIN_DATABASE_URL as string);
    url.pathname = `/sshid_migrate_${randomBytes(4).toString('hex')}`;
    await ensureDatabase(url.toString());
    const sources = await Promise.all(Array.from({ length: 4 }, () => initializeWithMigrations(dataSourceOptions(url.toString()))));
    const rows = await sources[0].query('SELECT name, count(*)::int AS n FROM migrations GROUP BY name');
    await Promise.all(sources.map((s) => s.destroy()));
    expect(rows).toHaveLength(MIGRATIONS.length);
    expect(rows.every((r: { n: number }) => r.n === 1)).toBe(true);
  });
});
