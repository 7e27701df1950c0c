import { readFileSync, statSync } from 'node:fs';
import { commaList } from '../common/comma-list';

/**
 * `sshid authorized-keys [--config FILE] <login> [fingerprint] [type]`, made for sshd's AuthorizedKeysCommand
 * (`%u %f %t`): prints the authorized_keys lines sshid answers for the login on this server and exits 0. When the
 * configuration is unsafe, sshid cannot be reached, refuses, or takes longer than the timeout, it prints nothing and
 * still exits 0, so sshd falls back to its other methods.
 *
 * The configuration (default /etc/sshid/authorized-keys.conf, or SSHID_AUTHORIZED_KEYS_CONFIG) holds the host
 * token, so it must be readable by its owner only:
 *
 *   url = https://sshid.example.com
 *   token = <API token with authorized_keys.read>
 *   project = web
 *   tags = prod,eu
 *   timeout = 5
 */
export interface AuthorizedKeysConfig {
  url: string;
  token: string;
  project: string | null;
  tags: string[];
  timeoutSeconds: number;
}

export const DEFAULT_CONFIG = '/etc/sshid/authorized-keys.conf';

/** Reads and checks the configuration; throws with a reason when it is missing, unsafe or incomplete. */
export function readAuthorizedKeysConfig(path: string): AuthorizedKeysConfig {
  const stat = statSync(path);
  if ((stat.mode & 0o077) !== 0) throw new Error(`${path} must be readable by its owner only (chmod 600): it holds the host token`);
  const getuid = process.getuid?.bind(process);
  if (getuid && stat.uid !== getuid() && getuid() !== 0) throw new Error(`${path} must belong to the user running this command`);
  const values = new Map<string, string>();
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    const match = /^\s*([a-z_]+)\s*=\s*(.*?)\s*$/i.exec(line);
    if (match && !line.trim().startsWith('#')) values.set(match[1].toLowerCase(), match[2]);
  }
  const url = values.get('url');
  const token = values.get('token');
  if (!url || !/^https?:\/\//.test(url)) throw new Error(`${path}: url must be an http(s) URL`);
  if (!token) throw new Error(`${path}: token is required`);
  const timeout = Number(values.get('timeout') ?? '5');
  return {
    url: url.replace(/\/+$/, ''),
    token,
    project: values.get('project') || null,
    tags: commaList(values.get('tags')),
    timeoutSeconds: Number.isFinite(timeout) && timeout > 0 ? Math.min(timeout, 60) : 5,
  };
}

/** The lines for `login`, or null when sshid did not answer them (unreachable, refused, too slow). */
export async function fetchAuthorizedKeys(config: AuthorizedKeysConfig, login: string, fingerprint?: string): Promise<string | null> {
  const query = new URLSearchParams({ login });
  if (config.project) query.set('project', config.project);
  if (config.tags.length > 0) query.set('tags', config.tags.join(','));
  if (fingerprint) query.set('fingerprint', fingerprint);
  try {
    const response = await fetch(`${config.url}/api/sshid/v1/authorized-keys?${query}`, {
      headers: { Authorization: `Bearer ${config.token}`, Accept: 'text/plain' },
      signal: AbortSignal.timeout(config.timeoutSeconds * 1000),
    });
    if (response.status !== 200) return null;
    const text = await response.text();
    // Only key lines go to sshd.
    return text.split('\n').filter((line) => /^(ssh|ecdsa|sk)-\S+ [A-Za-z0-9+/=]+( \S+)?$/.test(line)).map((line) => `${line}\n`).join('');
  } catch {
    return null;
  }
}

export async function run(argv: string[], io = { out: (text: string) => process.stdout.write(text), err: (text: string) => process.stderr.write(text) }): Promise<void> {
  const args = [...argv];
  let configPath = process.env.SSHID_AUTHORIZED_KEYS_CONFIG || DEFAULT_CONFIG;
  const flag = args.indexOf('--config');
  if (flag >= 0) {
    configPath = args[flag + 1] ?? configPath;
    args.splice(flag, 2);
  }
  const [login, fingerprint] = args;
  let config: AuthorizedKeysConfig;
  try {
    if (!login) throw new Error('usage: sshid authorized-keys [--config FILE] <login> [fingerprint] [type]');
    config = readAuthorizedKeysConfig(configPath);
  } catch (error) {
    io.err(`sshid authorized-keys: ${(error as Error).message}\n`);
    process.exit(0);
  }
  // Never hold sshd up: whatever happens, the process ends shortly after the timeout.
  setTimeout(() => process.exit(0), config.timeoutSeconds * 1000 + 500).unref();
  const lines = await fetchAuthorizedKeys(config, login, fingerprint);
  if (lines === null) io.err(`sshid authorized-keys: no answer from ${config.url} for ${login}\n`);
  else io.out(lines);
  process.exitCode = 0;
}
