// The two servers sshid is measured against, on the same PostgreSQL, in the same run:
//
// - minimal: does the least each route needs — hash the bearer token, find the token (or session) and its user in
//   one query, run one indexed SELECT of the columns the answer needs (the create route parses the key with sshpk,
//   as any server storing keys must, and inserts it);
// - same-SQL: runs exactly the statements sshid runs for the route, straight from Fastify with pg.
//
// The distance to "minimal" is what sshid's framework and SQL cost together; to "same-SQL", the framework alone.
import { createHash, randomBytes } from 'node:crypto';
import Fastify from 'fastify';
import sshpk from 'sshpk';

const sha256 = (text) => createHash('sha256').update(text).digest('hex');
const bearer = (request) => (request.headers.authorization ?? '').replace(/^Bearer /i, '');

/** Answers 401 itself when the token is unknown; otherwise the caller's user id. */
async function tokenUser(query, table, request, reply) {
  const { rows } = await query(`SELECT c.user_id FROM ${table} c JOIN users u ON u.id = c.user_id WHERE c.token_hash = $1 AND NOT u.disabled`, [sha256(bearer(request))]);
  if (rows.length === 0) {
    reply.code(401);
    return null;
  }
  return rows[0].user_id;
}

/**
 * `prepared`: the same server sending its statements as named prepared statements, as sshid does; shown beside the
 * plain one so the gain of the protocol is not mistaken for the framework's.
 */
export async function startMinimal(pool, { prepared = false } = {}) {
  const app = Fastify();
  const query = prepared ? (text, values) => pool.query({ name: `least_${sha256(text).slice(0, 24)}`, text, values }) : (text, values) => pool.query(text, values);
  app.get('/foreman/:userId', async (request, reply) => {
    if ((await tokenUser(query, 'api_tokens', request, reply)) === null) return { error: 'unauthorized' };
    const { rows } = await query(
      'SELECT id, name, key_text, bits, fingerprint_sha256, created_at, updated_at FROM public_keys WHERE user_id = $1 AND identity_id IS NULL ORDER BY id LIMIT 20',
      [Number(request.params.userId)],
    );
    return { total: rows.length, results: rows };
  });
  const identityColumns = `i.id, i.slug, i.name, i.description, i.restrictions, i.created_at,
    COALESCE((SELECT json_agg(json_build_object('key', k.key_text, 'fingerprint', k.fingerprint_sha256)) FROM public_keys k WHERE k.identity_id = i.id), '[]') AS keys`;
  app.get('/northflank', async (request, reply) => {
    const userId = await tokenUser(query, 'api_tokens', request, reply);
    if (userId === null) return { error: 'unauthorized' };
    const { rows } = await query(`SELECT ${identityColumns} FROM identities i WHERE i.owner_user_id = $1 ORDER BY i.id LIMIT 20`, [userId]);
    return { data: { identities: rows } };
  });
  app.get('/northflank/:slug', async (request, reply) => {
    const userId = await tokenUser(query, 'api_tokens', request, reply);
    if (userId === null) return { error: 'unauthorized' };
    const { rows } = await query(`SELECT ${identityColumns} FROM identities i WHERE i.owner_user_id = $1 AND i.slug = $2`, [userId, request.params.slug]);
    return { data: rows[0] };
  });
  app.get('/nexterm', async (request, reply) => {
    const userId = await tokenUser(query, 'sessions', request, reply);
    if (userId === null) return { error: 'unauthorized' };
    const { rows } = await query(
      `SELECT i.id, i.name, i.username, i.type, i.organization_id FROM identities i
        WHERE i.owner_user_id = $1 OR i.organization_id IN (SELECT m.organization_id FROM organization_members m WHERE m.user_id = $1 AND m.status = 'active')
        ORDER BY i.organization_id IS NOT NULL, i.id`,
      [userId],
    );
    return rows;
  });
  app.post('/create/:userId', async (request, reply) => {
    if ((await tokenUser(query, 'api_tokens', request, reply)) === null) return { error: 'unauthorized' };
    const { name, key } = request.body.ssh_key;
    const parsed = sshpk.parseKey(key, 'ssh');
    const { rows } = await query(
      `INSERT INTO public_keys (user_id, name, key_text, key_type, bits, fingerprint_sha256, fingerprint_md5)
       VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id, name, key_text, bits, fingerprint_sha256, created_at, updated_at`,
      [Number(request.params.userId), name, key, parsed.type === 'ed25519' ? 'ssh-ed25519' : parsed.type, parsed.size, parsed.fingerprint('sha256').toString(), parsed.fingerprint('md5').toString()],
    );
    reply.code(201);
    return rows[0];
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  return app;
}

/** sshid's own statements for each route (auth: the credential-with-user query by row id, as sshid runs it). */
export async function startSameSql(pool, { apiTokenId, sessionId, userId, writerId }) {
  const app = Fastify();
  // The per-request reads go as named prepared statements, as sshid sends them (database/prepared-queries.ts).
  const prepared = (text, values) => pool.query({ name: `same_${sha256(text).slice(0, 24)}`, text, values });
  const ms = (column) => `floor(extract(epoch from ${column}) * 1000)::float8`;
  const credentialSql = (table) =>
    `SELECT ${table === 'sessions' ? `c.id, c.user_id, c.token_hash, c.ip, ${ms('c.last_activity_at')} AS last_activity_at, ${ms('c.created_at')} AS created_at` : `c.id, c.user_id, c.token_hash, ${ms('c.last_used_at')} AS last_used_at, ${ms('c.expires_at')} AS expires_at, c.permissions, c.organization_id`},
            u.login AS u_login, u.is_admin AS u_is_admin, u.permissions AS u_permissions, u.disabled AS u_disabled
       FROM ${table} c JOIN users u ON u.id = c.user_id WHERE c.id = $1`;
  const authByToken = () => prepared(credentialSql('api_tokens'), [apiTokenId]);
  // sshid's identity read (identities.repository.ts).
  const identitySql = (where) =>
    `SELECT i.id, i.slug, i.name, i.description, i.type, i.owner_user_id, i.organization_id, i.restrictions, ${ms('i.created_at')} AS created_at, ${ms('i.updated_at')} AS updated_at,
            COALESCE((SELECT json_agg(json_build_object('key_text', k.key_text, 'key_type', k.key_type, 'fingerprint_sha256', k.fingerprint_sha256) ORDER BY k.position, k.id)
              FROM public_keys k WHERE k.identity_id = i.id), '[]') AS keys
       FROM identities i WHERE ${where} ORDER BY i.id`;
  app.get('/foreman', async () => {
    await authByToken();
    const list = await prepared(
      `SELECT k.id, k.user_id, k.name, k.key_text, k.key_type, k.bits, k.fingerprint_sha256, ${ms('k.expires_at')} AS expires_at, ${ms('k.last_used_at')} AS last_used_at, ${ms('k.created_at')} AS created_at, ${ms('k.updated_at')} AS updated_at,
              (SELECT count(*) FROM public_keys c WHERE c.user_id = $1 AND c.identity_id IS NULL) AS matching
         FROM public_keys k WHERE k.user_id = $1 AND k.identity_id IS NULL ORDER BY k.id ASC LIMIT $2 OFFSET $3`,
      [userId, 20, 0],
    );
    return { total: Number(list.rows[0].matching), results: list.rows };
  });
  app.get('/northflank', async () => {
    await authByToken();
    // One row past the page tells whether another page follows.
    const { rows } = await prepared(`${identitySql('i.owner_user_id = $1')} LIMIT $2 OFFSET $3`, [userId, 21, 0]);
    return { data: { identities: rows.slice(0, 20) }, pagination: { hasNextPage: rows.length > 20 } };
  });
  app.get('/northflank/:slug', async (request) => {
    await authByToken();
    const { rows } = await prepared(identitySql('i.owner_user_id = $1 AND i.slug = $2'), [userId, request.params.slug]);
    return { data: rows[0] };
  });
  app.get('/nexterm', async () => {
    await prepared(credentialSql('sessions'), [sessionId]);
    const { rows } = await prepared(
      `SELECT i.id, i.slug, i.name, i.username, i.type, i.owner_user_id, i.organization_id FROM identities i
        WHERE i.owner_user_id = $1 OR i.organization_id IN (SELECT m.organization_id FROM organization_members m WHERE m.user_id = $1 AND m.status = 'active')
        ORDER BY i.organization_id IS NOT NULL, i.id`,
      [userId],
    );
    return rows;
  });
  app.post('/create', async (request, reply) => {
    await authByToken();
    const { rows } = await pool.query(
      `INSERT INTO public_keys AS k (user_id, name, key_text, key_type, bits, fingerprint_sha256, fingerprint_md5)
       VALUES ($1, $2, $3, 'ssh-ed25519', 256, $4, 'MD5:x')
       RETURNING k.id, k.user_id, k.name, k.key_text, k.key_type, k.bits, k.fingerprint_sha256, ${ms('k.expires_at')} AS expires_at, ${ms('k.last_used_at')} AS last_used_at, ${ms('k.created_at')} AS created_at, ${ms('k.updated_at')} AS updated_at`,
      [writerId, request.body.ssh_key.name, request.body.ssh_key.key, `SHA256:${randomBytes(32).toString('base64').slice(0, 43).replace(/=/g, 'A')}`],
    );
    reply.code(201);
    return rows[0];
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  return app;
}
