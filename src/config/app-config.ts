import { plainToInstance, Transform } from 'class-transformer';
import { commaList } from '../common/comma-list';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, Matches, Max, Min, MinLength, validateSync } from 'class-validator';

/** A number from the environment; an unset variable keeps the setting's default (plainToInstance exposes it). */
const toNumber = ({ value }: { value: unknown }) => (value === undefined ? undefined : Number(value));

const toBoolean = ({ value }: { value: unknown }) =>
  typeof value === 'string' ? ['1', 'true', 'yes', 'on'].includes(value.toLowerCase()) : value;

/** The environment, read and validated once at start-up. */
export class AppConfig {
  @Transform(toNumber)
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT = 6989;

  @IsString()
  HOST = '0.0.0.0';

  @IsOptional()
  @Matches(/^postgres(ql)?:\/\//, { message: 'DATABASE_URL must be a postgres:// URL' })
  DATABASE_URL?: string;

  @IsString()
  SSHID_DATA_DIR = './data';

  @IsOptional()
  @Matches(/^[0-9a-fA-F]{64}$/, { message: 'SSHID_ENCRYPTION_KEY must be 64 hex characters (32 bytes)' })
  SSHID_ENCRYPTION_KEY?: string;

  @IsOptional()
  @IsString()
  @MinLength(32, { message: 'SSHID_JWT_SECRET must be at least 32 characters' })
  SSHID_JWT_SECRET?: string;

  @IsOptional()
  @IsString()
  SSHID_ADMIN_LOGIN?: string;

  @IsOptional()
  @IsString()
  @MinLength(8, { message: 'SSHID_ADMIN_PASSWORD must be at least 8 characters' })
  SSHID_ADMIN_PASSWORD?: string;

  @Transform(toBoolean)
  @IsBoolean()
  SSHID_ALLOW_REGISTRATION = false;

  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL = 'info';

  /** `pretty`: one readable line per request (the default when standard output is a terminal); `json` otherwise. */
  @IsOptional()
  @IsIn(['json', 'pretty'])
  LOG_FORMAT?: 'json' | 'pretty';

  /**
   * Failed authentications (wrong password, from any login route or HTTP Basic on any dialect) a login may have
   * before it is locked; each further failure doubles the lock, from SSHID_LOCKOUT_BASE_SECONDS up to
   * SSHID_LOCKOUT_MAX_SECONDS. A login's failures are forgotten a day after its first one, or at its next success.
   */
  @Transform(toNumber)
  @IsInt()
  @Min(1)
  SSHID_LOCKOUT_LOGIN_FAILURES = 5;

  @Transform(toNumber)
  @IsInt()
  @Min(1)
  SSHID_LOCKOUT_BASE_SECONDS = 30;

  @Transform(toNumber)
  @IsInt()
  @Min(1)
  SSHID_LOCKOUT_MAX_SECONDS = 900;

  /** Failed authentications from one client address, over all logins, within SSHID_LOCKOUT_WINDOW_SECONDS (Foreman's 30). */
  @Transform(toNumber)
  @IsInt()
  @Min(1)
  SSHID_LOCKOUT_ADDRESS_FAILURES = 30;

  @Transform(toNumber)
  @IsInt()
  @Min(1)
  SSHID_LOCKOUT_WINDOW_SECONDS = 900;

  /**
   * Which proxies to believe about the client address (X-Forwarded-For), as Fastify's `trustProxy`: `true`, a hop
   * count, or addresses/CIDRs separated by commas. Unset: the TCP peer is the client. The lockout counts per address,
   * so behind a load balancer this must name it.
   */
  @IsOptional()
  @IsString()
  SSHID_TRUST_PROXY?: string;

  /** A session not used for this many minutes is over (Nexterm clients then show their login page). */
  @Transform(toNumber)
  @IsInt()
  @Min(1)
  SSHID_SESSION_IDLE_MINUTES = 1440;

  /** A session is over this many hours after it was opened, however much it is used. */
  @Transform(toNumber)
  @IsInt()
  @Min(1)
  SSHID_SESSION_MAX_HOURS = 720;

  /**
   * `/metrics` (Prometheus text) on the API port needs `Authorization: Bearer <SSHID_METRICS_TOKEN>`; with neither
   * this nor SSHID_METRICS_PORT set, it is not served.
   */
  @IsOptional()
  @IsString()
  @MinLength(16, { message: 'SSHID_METRICS_TOKEN must be at least 16 characters' })
  SSHID_METRICS_TOKEN?: string;

  /** Serve `/metrics` on this port instead (no token; keep the port private), on SSHID_METRICS_HOST. */
  @IsOptional()
  @Transform(toNumber)
  @IsInt()
  @Min(0)
  @Max(65535)
  SSHID_METRICS_PORT?: number;

  @IsString()
  SSHID_METRICS_HOST = '127.0.0.1';

  /**
   * How long a password verified over HTTP Basic is taken as verified (see auth/verified-password-cache.ts); 0 turns
   * the cache off and every Basic request pays a full argon2id check.
   */
  @Transform(toNumber)
  @IsInt()
  @Min(0)
  @Max(3600)
  SSHID_BASIC_CACHE_SECONDS = 60;

  /**
   * Whether the per-request reads run as named prepared statements (database/prepared-queries.ts). Turn off behind a
   * connection pooler that cannot carry them (PgBouncer in transaction mode before 1.21, or without
   * max_prepared_statements).
   */
  @Transform(toBoolean)
  @IsBoolean()
  SSHID_PREPARED_STATEMENTS = true;

  /** Key policy, for every dialect: the fewest bits an RSA key may have. */
  @Transform(toNumber)
  @IsInt()
  @Min(512)
  SSHID_KEY_MIN_RSA_BITS = 2048;

  /** DSA keys (ssh-dss; OpenSSH itself disabled them) are refused unless this is true. */
  @Transform(toBoolean)
  @IsBoolean()
  SSHID_KEY_ALLOW_DSA = false;

  /** Key types allowed, separated by commas (e.g. `ssh-ed25519,sk-ssh-ed25519@openssh.com`); unset: every type sshid reads. */
  @IsOptional()
  @IsString()
  SSHID_KEY_TYPES?: string;

  /** `GET /<login>.keys` (a user's public keys, as GitHub serves them); set false to turn it off. */
  @Transform(toBoolean)
  @IsBoolean()
  SSHID_PUBLIC_KEYS_ENDPOINT = true;

  /** Requests per minute per client across the API (password checks and device-code creation have their own limits). */
  @Transform(toNumber)
  @IsInt()
  @Min(1)
  SSHID_RATE_LIMIT_PER_MINUTE = 1000;
}

/** Fastify's `trustProxy` from SSHID_TRUST_PROXY. */
export function trustProxySetting(config: AppConfig): boolean | number | string[] {
  const value = config.SSHID_TRUST_PROXY?.trim();
  if (!value || value === 'false') return false;
  if (value === 'true') return true;
  if (/^\d+$/.test(value)) return Number(value);
  return commaList(value);
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const defined = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const config = plainToInstance(AppConfig, defined, { exposeDefaultValues: true });
  const errors = validateSync(config, { whitelist: false });
  if (errors.length > 0) {
    const messages = errors.flatMap((e) => Object.values(e.constraints ?? {}));
    throw new Error(`Invalid configuration: ${messages.join('; ')}`);
  }
  return config;
}
