// sshid benchmark: each route under load beside baselines on the same PostgreSQL, in the same run (see
// baselines.mjs): a minimal server doing the least the route needs (sending plain statements, and again sending
// them as named prepared statements, as sshid does), and one running sshid's own SQL. Then HTTP Basic
// with a password against a bearer token, and the list routes with 1k and with 100k other users' keys stored.
// Run with `npm run bench` (builds first); the load comes from a separate process (load.mjs).
//
//   BENCH_SECONDS=10 BENCH_CONNECTIONS=50 BENCH_ONLY=Foreman npm run bench
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { startMinimal, startSameSql } from './baselines.mjs';
import { BENCH_PASSWORD, startBenchServer } from './bench-server.mjs';
import { ed25519Line } from './generated-keys.mjs';

const require = createRequire(import.meta.url);
const { UsersService } = require('../dist/users/users.service.js');
const { AuthService } = require('../dist/auth/auth.service.js');

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 3);
const ONLY = process.env.BENCH_ONLY;
const PASSWORD = BENCH_PASSWORD;

function measure(port, target, duration = SECONDS, offset = 0) {
  const headers = { 'content-type': 'application/json' };
  if (target.auth) headers.authorization = target.auth;
  const spec = { url: `http://127.0.0.1:${port}`, connections: CONNECTIONS, duration, method: target.method, path: target.path, headers, bodiesFile: target.bodiesFile, offset };
  // The servers run in this process: the load process is awaited without blocking it.
  return new Promise((resolve, reject) =>
    execFile(process.execPath, [new URL('./load.mjs', import.meta.url).pathname, JSON.stringify(spec)], { maxBuffer: 16 * 1024 * 1024 }, (error, stdout) =>
      error ? reject(error) : resolve(JSON.parse(stdout)),
    ),
  );
}

/** A warm-up run (unmeasured: JIT, pools), then the measured one. */
async function warmMeasure(port, target) {
  await measure(port, target, WARMUP, 30000);
  const result = await measure(port, target);
  return { rps: Math.round(result.requests.average), p50: result.latency.p50, p99: result.latency.p99, failures: result.non2xx + result.errors };
}

async function main() {
  process.stderr.write('starting PostgreSQL and sshid…\n');
  const bench = await startBenchServer();
  const { app, dataDir, user, apiToken, sessionToken, session } = bench;
  const sshidPort = bench.port;
  const url = bench.databaseUrl;
  // Key creation writes thousands of keys: to another user, so the list runs stay at 20 keys.
  const writer = await app.get(UsersService).create({ login: 'bench-writer', password: PASSWORD });
  const { token: writerToken } = await app.get(AuthService).createApiToken({ user: writer, via: 'session' }, { name: 'writer', permissions: ['ssh_keys.view', 'ssh_keys.create'] });

  const pool = new pg.Pool({ connectionString: url, max: 20 });
  const minimal = await startMinimal(pool);
  const minimalPrepared = await startMinimal(pool, { prepared: true });
  const sameSql = await startSameSql(pool, { apiTokenId: bench.apiTokenRecord.id, sessionId: session.id, userId: user.id, writerId: writer.id });
  const ports = { sshid: sshidPort, minimal: minimal.server.address().port, minimalPrepared: minimalPrepared.server.address().port, same: sameSql.server.address().port };

  process.stderr.write('generating keys for the create runs…\n');
  const bodiesFile = (set) => {
    const file = join(dataDir, `bodies-${set}.json`);
    writeFileSync(file, JSON.stringify(Array.from({ length: 40000 }, (_, i) => JSON.stringify({ ssh_key: { name: `bench ${set} ${i}`, key: ed25519Line(`${set}-${i}`) } }))));
    return file;
  };
  const wantsCreate = !ONLY || 'Key create'.startsWith(ONLY);
  const bodies = wantsCreate ? { sshid: bodiesFile('sshid'), minimal: bodiesFile('minimal'), minimalPrepared: bodiesFile('minimal-prepared'), same: bodiesFile('same') } : {};

  const token = `Bearer ${apiToken}`;
  const cases = [
    { name: 'Foreman GET /api/users/:id/ssh_keys (20 keys)', sshid: { method: 'GET', path: `/api/users/${user.id}/ssh_keys`, auth: token }, minimal: { method: 'GET', path: `/foreman/${user.id}`, auth: token }, same: { method: 'GET', path: '/foreman' } },
    { name: 'Northflank GET /v1/integrations/ssh-identities (20)', sshid: { method: 'GET', path: '/v1/integrations/ssh-identities', auth: token }, minimal: { method: 'GET', path: '/northflank', auth: token }, same: { method: 'GET', path: '/northflank' } },
    { name: 'Northflank GET …/ssh-identities/:id', sshid: { method: 'GET', path: '/v1/integrations/ssh-identities/identity-0', auth: token }, minimal: { method: 'GET', path: '/northflank/identity-0', auth: token }, same: { method: 'GET', path: '/northflank/identity-0' } },
    { name: 'Nexterm GET /api/identities/list (20)', sshid: { method: 'GET', path: '/api/identities/list', auth: `Bearer ${sessionToken}` }, minimal: { method: 'GET', path: '/nexterm', auth: `Bearer ${sessionToken}` }, same: { method: 'GET', path: '/nexterm' } },
    {
      name: 'Key create (Foreman POST)',
      sshid: { method: 'POST', path: `/api/users/${writer.id}/ssh_keys`, auth: `Bearer ${writerToken}`, bodiesFile: bodies.sshid },
      minimal: { method: 'POST', path: `/create/${writer.id}`, auth: `Bearer ${writerToken}`, bodiesFile: bodies.minimal },
      same: { method: 'POST', path: '/create', bodiesFile: bodies.same },
    },
  ];

  const routeRows = [];
  for (const benchCase of cases.filter((c) => !ONLY || c.name.startsWith(ONLY))) {
    process.stderr.write(`measuring ${benchCase.name}…\n`);
    const sshid = await warmMeasure(ports.sshid, benchCase.sshid);
    const least = await warmMeasure(ports.minimal, benchCase.minimal);
    const leastPrepared = await warmMeasure(ports.minimalPrepared, { ...benchCase.minimal, ...(benchCase.minimal.bodiesFile ? { bodiesFile: bodies.minimalPrepared } : {}) });
    const same = await warmMeasure(ports.same, benchCase.same);
    routeRows.push({
      route: benchCase.name,
      'sshid req/s': sshid.rps,
      'sshid p99': sshid.p99,
      'minimal req/s': least.rps,
      'minimal p99': least.p99,
      'vs minimal': +(sshid.rps / least.rps).toFixed(2),
      'p99 vs minimal': +(sshid.p99 / least.p99).toFixed(2),
      'minimal prepared req/s': leastPrepared.rps,
      'prepared p99': leastPrepared.p99,
      'vs prepared': +(sshid.rps / leastPrepared.rps).toFixed(2),
      'same-SQL req/s': same.rps,
      'same-SQL p99': same.p99,
      'vs same-SQL': +(sshid.rps / same.rps).toFixed(2),
      failures: sshid.failures + least.failures + leastPrepared.failures + same.failures,
    });
  }

  const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
  console.log(`\n${machine}; ${CONNECTIONS} connections, ${SECONDS} s per run after ${WARMUP} s warm-up; servers, PostgreSQL and load generator on this machine\n`);
  if (routeRows.length) console.table(routeRows);

  // HTTP Basic with a password (hammer's default) against the same request with a bearer token.
  const basicRows = [];
  if (!ONLY || ONLY === 'Basic') {
    process.stderr.write('measuring HTTP Basic with a password…\n');
    const path = `/api/users/${user.id}/ssh_keys`;
    const withBearer = await warmMeasure(ports.sshid, { method: 'GET', path, auth: token });
    const withBasic = await warmMeasure(ports.sshid, { method: 'GET', path, auth: `Basic ${Buffer.from(`bench:${PASSWORD}`).toString('base64')}` });
    basicRows.push({
      route: 'Foreman index, Basic password vs bearer',
      'bearer req/s': withBearer.rps,
      'bearer p99': withBearer.p99,
      'Basic req/s': withBasic.rps,
      'Basic p99': withBasic.p99,
      'cost vs bearer': +(withBearer.rps / withBasic.rps).toFixed(2),
      failures: withBearer.failures + withBasic.failures,
    });
    console.table(basicRows);
  }

  // Other users' rows must not slow a caller down: the list routes with 1k, then 100k other keys stored.
  const scalingRows = [];
  if (!ONLY || ONLY === 'Scaling') {
    const scaled = [
      ['Foreman index', { method: 'GET', path: `/api/users/${user.id}/ssh_keys`, auth: token }],
      ['Northflank list', { method: 'GET', path: '/v1/integrations/ssh-identities', auth: token }],
      ['Nexterm list', { method: 'GET', path: '/api/identities/list', auth: `Bearer ${sessionToken}` }],
    ];
    const results = {};
    for (const total of [1000, 100000]) {
      process.stderr.write(`storing other users' keys up to ${total}…\n`);
      await fillOtherUsers(pool, total);
      for (const [name, target] of scaled) (results[name] ??= {})[total] = await warmMeasure(ports.sshid, target);
    }
    for (const [name] of scaled) {
      const [small, large] = [results[name][1000], results[name][100000]];
      scalingRows.push({ route: name, 'req/s, 1k keys': small.rps, 'p99, 1k': small.p99, 'req/s, 100k keys': large.rps, 'p99, 100k': large.p99, '100k / 1k': +(large.rps / small.rps).toFixed(2) });
    }
  }

  if (scalingRows.length) console.table(scalingRows);

  await minimal.close();
  await minimalPrepared.close();
  await sameSql.close();
  await pool.end();
  await bench.close();
}

/** Other users (100 keys each) until the database holds `total` personal keys of others; one statement per batch. */
async function fillOtherUsers(pool, total) {
  const { rows: [{ n }] } = await pool.query(`SELECT count(*)::int AS n FROM public_keys k JOIN users u ON u.id = k.user_id WHERE u.login LIKE 'other-%'`);
  for (let have = n; have < total; have += 10000) {
    const batch = Math.min(10000, total - have);
    await pool.query(
      `WITH created AS (
         INSERT INTO users (login) SELECT 'other-' || md5(random()::text) FROM generate_series(1, $1 / 100) RETURNING id
       )
       INSERT INTO public_keys (user_id, name, key_text, key_type, bits, fingerprint_sha256, fingerprint_md5)
       SELECT c.id, 'k' || g, 'ssh-ed25519 AAAA', 'ssh-ed25519', 256, 'SHA256:' || left(md5(random()::text) || md5(random()::text), 43), 'MD5:x'
         FROM created c, generate_series(1, 100) g`,
      [batch],
    );
  }
  await pool.query('ANALYZE public_keys');
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
