import { Client } from 'pg';
import { AppConfig } from '../config/app-config';
import { EmbeddedPostgres, startEmbeddedPostgres } from './embedded-postgres.launcher';

export interface DatabaseServer {
  url: string;
  /** Set when sshid started the server itself and must stop it. */
  embedded?: EmbeddedPostgres;
}

/** Creates the database named in `url` on its server when it does not exist yet. */
export async function ensureDatabase(url: string): Promise<void> {
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.slice(1));
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (exists.rowCount === 0) await client.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`);
  } finally {
    await client.end();
  }
}

/** DATABASE_URL when set; otherwise an embedded PostgreSQL in SSHID_DATA_DIR with an `sshid` database. */
export async function resolveDatabase(config: AppConfig, log: (message: string) => void): Promise<DatabaseServer> {
  if (config.DATABASE_URL) return { url: config.DATABASE_URL };
  const embedded = await startEmbeddedPostgres({ dataDir: config.SSHID_DATA_DIR, persistent: true, onLog: embeddedLog(log) });
  const url = new URL(embedded.url);
  url.pathname = '/sshid';
  await ensureDatabase(url.toString());
  log(`Embedded PostgreSQL running on 127.0.0.1:${url.port} with data in ${config.SSHID_DATA_DIR}`);
  return { url: url.toString(), embedded };
}

/** sshid's own notes about the cluster go to the log; PostgreSQL's chatter only when it reports trouble. */
function embeddedLog(log: (message: string) => void): (message: string) => void {
  return (message) => {
    const text = String(message).trim();
    if (/^(Removing stale|Adopting|Embedded PostgreSQL)/.test(text) || /\b(FATAL|PANIC)\b/.test(text)) log(text);
  };
}
