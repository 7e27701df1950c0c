// sshid benchmark: each route under load beside a minimal Fastify + pg handler running the same SQL, same run,
// same machine. Run with `npm run bench` (builds first). Prints a table; the ratio column is the figure that counts.
//
//   BENCH_SECONDS=10 BENCH_CONNECTIONS=50 npm run bench
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import Fastify from 'fastify';
import pg from 'pg';
import { ed25519Line } from './generated-keys.mjs';

const require = createRequire(import.meta.url);
const { createApp } = require('../dist/bootstrap.js');
const { loadConfig } = require('../dist/config/app-config.js');
const { startEmbeddedPostgres } = require('../dist/database/embedded-postgres.launcher.js');
const { ensureDatabase } = require('../dist/database/database-url.js');
const { DIALECT_MODULES } = require('../dist/dialects.js');
const { UsersService } = require('../dist/users/users.service.js');
const { AuthService, sha256Hex } = require('../dist/auth/auth.service.js');
const { PublicKeysService } = require('../dist/keys/public-keys.service.js');
const { IdentitiesService } = require('../dist/identities/identities.service.js');

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 3);

async function main() {
  const dataDir = mkdtempSync(join(tmpdir(), 'sshid-bench-'));
  process.stderr.write('starting PostgreSQL…\n');
  const postgres = await startEmbeddedPostgres({ dataDir, persistent: false });
  const url = new URL(postgres.url);
  url.pathname = '/sshid_bench';
  await ensureDatabase(url.toString());

  const config = loadConfig({
    SSHID_ENCRYPTION_KEY: randomBytes(32).toString('hex'),
    SSHID_JWT_SECRET: randomBytes(32).toString('hex'),
    SSHID_DATA_DIR: dataDir,
    LOG_LEVEL: 'silent',
    SSHID_RATE_LIMIT_PER_MINUTE: '100000000',
  });
  const app = await createApp(config, url.toString(), { dialects: DIALECT_MODULES });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const sshidPort = app.getHttpServer().address().port;

  // Data: one user with 20 personal keys, 10 personal identities, one Northflank identity with a key.
  const user = await app.get(UsersService).create({ login: 'bench', password: 'bench-password' });
  const principal = { user, via: 'session' };
  for (let i = 0; i < 20; i += 1) await app.get(PublicKeysService).addForUser(principal, user.id, { name: `key ${i}`, key: ed25519Line(`k${i}`) });
  for (let i = 0; i < 10; i += 1) await app.get(IdentitiesService).create(principal, { kind: 'personal' }, { name: `identity ${i}`, publicKeys: [ed25519Line(`i${i}`)] });
  const { token: apiToken } = await app.get(AuthService).createApiToken(principal, {
    name: 'bench',
    permissions: ['identities.read', 'identities.create', 'ssh_keys.view', 'ssh_keys.create'],
  });
  const { token: sessionToken, session } = await app.get(AuthService).openSession(user, {});

  // The baseline: the same SQL statements sshid runs for each route, straight from Fastify with pg.
  const pool = new pg.Pool({ connectionString: url.toString(), max: 20 });
  const apiTokenHash = sha256Hex(apiToken);
  const sessionHash = sha256Hex(sessionToken);
  const { rows: [{ id: apiTokenId }] } = await pool.query('SELECT id FROM api_tokens WHERE token_hash = $1', [apiTokenHash]);
  const raw = Fastify();
  const credentialSql = (table) =>
    `SELECT c.*, u.login AS u_login, u.email AS u_email, u.first_name AS u_first_name, u.last_name AS u_last_name, u.is_admin AS u_is_admin,
            u.permissions AS u_permissions, u.disabled AS u_disabled, u.created_at AS u_created_at, u.updated_at AS u_updated_at
       FROM ${table} c JOIN users u ON u.id = c.user_id WHERE c.id = $1`;
  const authByToken = () => pool.query(credentialSql('api_tokens'), [apiTokenId]);
  raw.get('/foreman', async () => {
    await authByToken();
    const list = await pool.query('SELECT k.*, count(*) OVER () AS matching FROM public_keys k WHERE user_id = $1 AND identity_id IS NULL ORDER BY id LIMIT 20', [user.id]);
    return { total: Number(list.rows[0].matching), results: list.rows };
  });
  raw.get('/northflank', async () => {
    await authByToken();
    const { rows } = await pool.query(
      `SELECT i.id, i.slug, i.name, i.description, i.username, i.type, i.owner_user_id, i.organization_id, i.created_by, i.restrictions,
              i.created_at, i.updated_at, i.version, count(*) OVER () AS total,
              COALESCE((SELECT json_agg(k ORDER BY k.position, k.id) FROM public_keys k WHERE k.identity_id = i.id), '[]') AS keys
         FROM identities i WHERE i.owner_user_id = $1 AND i.slug = $2 ORDER BY i.id`,
      [user.id, 'identity-0'],
    );
    return { data: rows[0] };
  });
  raw.get('/nexterm', async () => {
    await pool.query(credentialSql('sessions'), [session.id]);
    const { rows } = await pool.query(
      `SELECT i.id, i.slug, i.name, i.description, i.username, i.type, i.owner_user_id, i.organization_id, i.created_by, i.restrictions,
              i.created_at, i.updated_at, i.version, count(*) OVER () AS total
         FROM identities i WHERE i.owner_user_id = $1 OR i.organization_id IN
           (SELECT m.organization_id FROM organization_members m WHERE m.user_id = $1 AND m.status = 'active')
        ORDER BY i.organization_id IS NOT NULL, i.id`,
      [user.id],
    );
    return rows;
  });
  raw.post('/create', async (request) => {
    await authByToken();
    await pool.query('SELECT 1 FROM public_keys WHERE user_id = $1 AND identity_id IS NULL AND fingerprint_sha256 = $2 LIMIT 1', [user.id, 'SHA256:x']);
    const { rows } = await pool.query(
      `INSERT INTO public_keys (user_id, name, key_text, key_type, bits, foreman_length, fingerprint_sha256, fingerprint_md5)
       VALUES ($1, $2, $3, 'ssh-ed25519', 256, 256, $4, 'MD5:x') RETURNING *`,
      [user.id, request.body.ssh_key.name, request.body.ssh_key.key, `SHA256:${randomBytes(32).toString('base64').slice(0, 43).replace(/=/g, 'A')}`],
    );
    return rows[0];
  });
  await raw.listen({ port: 0, host: '127.0.0.1' });
  const rawPort = raw.server.address().port;

  // Keys for the create runs are made before measuring, so the load generator does not compete for CPU.
  process.stderr.write('generating keys for the create runs…\n');
  // Two sets: sshid and the baseline each need keys they have not stored yet.
  const bodiesFile = (set) => {
    const file = join(dataDir, `bodies-${set}.json`);
    const bodies = Array.from({ length: 40000 }, (_, i) => JSON.stringify({ ssh_key: { name: `bench ${set} ${i}`, key: ed25519Line(`${set}-${i}`) } }));
    writeFileSync(file, JSON.stringify(bodies));
    return file;
  };
  const only = process.env.BENCH_ONLY;
  const wantsCreate = !only || 'Key create'.startsWith(only);
  const createBodies = wantsCreate ? { sshid: bodiesFile('sshid'), raw: bodiesFile('raw') } : {};

  const cases = [
    { name: 'Foreman index (20 keys)', sshid: { method: 'GET', path: `/api/users/${user.id}/ssh_keys`, auth: apiToken }, raw: { method: 'GET', path: '/foreman' } },
    { name: 'Northflank get', sshid: { method: 'GET', path: '/v1/integrations/ssh-identities/identity-0', auth: apiToken }, raw: { method: 'GET', path: '/northflank' } },
    { name: 'Nexterm list', sshid: { method: 'GET', path: '/api/identities/list', auth: sessionToken }, raw: { method: 'GET', path: '/nexterm' } },
    { name: 'Key create (Foreman POST)', sshid: { method: 'POST', path: `/api/users/${user.id}/ssh_keys`, auth: apiToken, bodiesFile: createBodies.sshid }, raw: { method: 'POST', path: '/create', bodiesFile: createBodies.raw } },
  ];

  const measure = async (port, target, duration = SECONDS, offset = 0) => {
    const headers = { 'content-type': 'application/json' };
    if (target.auth) headers.authorization = `Bearer ${target.auth}`;
    const spec = { url: `http://127.0.0.1:${port}`, connections: CONNECTIONS, duration, method: target.method, path: target.path, headers, bodiesFile: target.bodiesFile, offset };
    // execFileSync would block this process, where the servers run: the load process is awaited asynchronously.
    const { execFile } = await import('node:child_process');
    const output = await new Promise((resolve, reject) =>
      execFile(process.execPath, [new URL('./load.mjs', import.meta.url).pathname, JSON.stringify(spec)], { maxBuffer: 16 * 1024 * 1024 }, (error, stdout) =>
        error ? reject(error) : resolve(stdout),
      ),
    );
    return JSON.parse(output);
  };

  const rows = [];
  for (const benchCase of cases.filter((c) => !only || c.name.startsWith(only))) {
    process.stderr.write(`measuring ${benchCase.name}…\n`);
    // A short unmeasured run first, so both servers are measured warm (JIT-compiled, pools filled).
    await measure(sshidPort, benchCase.sshid, WARMUP, 30000);
    const sshid = await measure(sshidPort, benchCase.sshid);
    await measure(rawPort, benchCase.raw, WARMUP, 30000);
    const baseline = await measure(rawPort, benchCase.raw);
    const errors = sshid.non2xx + sshid.errors;
    rows.push({
      route: benchCase.name,
      'sshid req/s': Math.round(sshid.requests.average),
      'sshid p50 ms': sshid.latency.p50,
      'sshid p99 ms': sshid.latency.p99,
      'raw req/s': Math.round(baseline.requests.average),
      'raw p50 ms': baseline.latency.p50,
      'raw p99 ms': baseline.latency.p99,
      ratio: Number((sshid.requests.average / baseline.requests.average).toFixed(2)),
      'sshid errors': errors,
      'raw errors': baseline.non2xx + baseline.errors,
    });
  }
  console.log(`\n${CONNECTIONS} connections, ${SECONDS} s per run, server and load on this machine (${(await import('node:os')).cpus().length} cores)\n`);
  console.table(rows);

  await raw.close();
  await pool.end();
  await app.close();
  await postgres.stop();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
