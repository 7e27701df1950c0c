import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { ensureDatabase } from '../../src/database/database-url';
import { DIALECT_MODULES } from '../../src/dialects';
import { ObservabilityModule } from '../../src/observability/observability.module';
import { IDENTITY_AND_KEY_PERMISSIONS, startTestApp, TestApp } from '../support/test-app';
import { startServerProcess } from '../support/server-process';

const METRICS_TOKEN = 'metrics-token-0123456789';

describe('metrics and probes', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp(DIALECT_MODULES, { SSHID_METRICS_TOKEN: METRICS_TOKEN });
  });
  afterAll(() => t.close());

  it('answers liveness and readiness probes; /health keeps its meaning', async () => {
    expect((await t.http().get('/health/live').expect(200)).body).toEqual({ status: 'ok' });
    expect((await t.http().get('/health/ready').expect(200)).body).toEqual({ status: 'ok' });
    expect((await t.http().get('/health').expect(200)).body).toEqual({ status: 'ok' });
  });

  it('serves Prometheus text behind the metrics token: requests by dialect, route and status, latency, pool, restarts', async () => {
    const user = await t.createUser('mira');
    const token = `Bearer ${await t.apiToken(user, IDENTITY_AND_KEY_PERMISSIONS)}`;
    await t.http().get('/v1/integrations/ssh-identities').set('Authorization', token).expect(200);
    await t.http().get(`/api/users/${user.id}/ssh_keys`).set('Authorization', token).expect(200);
    await t.http().get('/api/identities/list').set('Authorization', token).expect(200);
    await t.http().get('/api/identities/list').expect(400);

    await t.http().get('/metrics').expect(401);
    await t.http().get('/metrics').set('Authorization', 'Bearer not-the-metrics-token').expect(401);
    const scraped = await t.http().get('/metrics').set('Authorization', `Bearer ${METRICS_TOKEN}`).expect(200);
    expect(scraped.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = scraped.text;
    expect(text).toContain('sshid_http_requests_total{dialect="northflank",route="/v1/integrations/ssh-identities",method="GET",status="200"} 1');
    expect(text).toContain('sshid_http_requests_total{dialect="foreman",route="/api/users/:user_id/ssh_keys",method="GET",status="200"} 1');
    expect(text).toContain('sshid_http_requests_total{dialect="nexterm",route="/api/identities/list",method="GET",status="400"} 1');
    expect(text).toMatch(/sshid_http_request_duration_seconds_bucket\{le="0\.1",dialect="nexterm",route="\/api\/identities\/list",method="GET"\} 2/);
    expect(text).toMatch(/sshid_db_pool_connections\{state="idle"\} \d+/);
    expect(text).toMatch(/sshid_db_pool_connections\{state="waiting"\} 0/);
    expect(text).toContain('sshid_embedded_postgres_restarts_total 0');
    expect(text).toContain('sshid_process_cpu_seconds_total');
  });
});

describe('metrics on a port of their own', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp(DIALECT_MODULES, { SSHID_METRICS_PORT: '0' });
  });
  afterAll(() => t.close());

  it('serves /metrics there without a token, and not on the API port', async () => {
    await t.http().get('/health').expect(200);
    const port = t.get(ObservabilityModule).metricsPort();
    expect(port).toEqual(expect.any(Number));
    const scraped = await request(`http://127.0.0.1:${port}`).get('/metrics').expect(200);
    expect(scraped.text).toContain('sshid_http_requests_total{dialect="sshid",route="/health",method="GET",status="200"} 1');
    await t.http().get('/metrics').set('Authorization', `Bearer ${METRICS_TOKEN}`).expect(404);
  });
});

describe('logs', () => {
  it('are one readable line per request with LOG_FORMAT=pretty (the default on a terminal), JSON otherwise', async () => {
    const url = new URL(process.env.SSHID_TEST_ADMIN_DATABASE_URL as string);
    url.pathname = `/sshid_logs_${randomBytes(4).toString('hex')}`;
    await ensureDatabase(url.toString());
    for (const format of ['pretty', 'json']) {
      const server = await startServerProcess({
        DATABASE_URL: url.toString(),
        SSHID_DATA_DIR: mkdtempSync(join(tmpdir(), 'sshid-logs-')),
        LOG_LEVEL: 'info',
        // Standard output is a pipe here, so JSON is what an unset LOG_FORMAT gives.
        ...(format === 'pretty' ? { LOG_FORMAT: 'pretty' } : {}),
      });
      await request(server.base).get('/health/live').expect(200);
      await new Promise((r) => setTimeout(r, 300));
      server.child.kill('SIGTERM');
      await server.exited;
      const lines = server.output().split('\n').filter((l) => l.includes('GET /health/live') || l.includes('"path":"/health/live"'));
      if (format === 'pretty') {
        expect(lines).toEqual([expect.stringMatching(/^\[\d\d:\d\d:\d\d\.\d{3}\] INFO: GET \/health\/live 200 \d+ ms$/)]);
      } else {
        expect(lines).toHaveLength(1);
        expect(JSON.parse(lines[0])).toMatchObject({ level: 30, req: { method: 'GET', path: '/health/live' }, res: { statusCode: 200 } });
      }
    }
  }, 90_000);
});
