import { plainToInstance, Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, Matches, Max, Min, MinLength, validateSync } from 'class-validator';

const toBoolean = ({ value }: { value: unknown }) =>
  typeof value === 'string' ? ['1', 'true', 'yes', 'on'].includes(value.toLowerCase()) : value;

/** The environment, read and validated once at start-up. */
export class AppConfig {
  @Transform(({ value }) => (value === undefined ? 6989 : Number(value)))
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

  /** Requests per minute per client across the API (login and device-code routes have their own, stricter limits). */
  @Transform(({ value }) => (value === undefined ? 1000 : Number(value)))
  @IsInt()
  @Min(1)
  SSHID_RATE_LIMIT_PER_MINUTE = 1000;
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
