import { IsArray, IsDateString, IsDefined, IsOptional, IsString, Length, MaxLength, ValidateIf } from 'class-validator';

export class LoginDto {
  @IsDefined({ message: 'login is required' })
  @IsString({ message: 'login must be a string' })
  @MaxLength(255)
  login: string;

  @IsDefined({ message: 'password is required' })
  @IsString({ message: 'password must be a string' })
  @MaxLength(1024)
  password: string;
}

export class CreateApiTokenDto {
  @IsDefined({ message: 'name is required' })
  @IsString({ message: 'name must be a string' })
  @Length(1, 100, { message: 'name must be 1 to 100 characters long' })
  name: string;

  @IsOptional()
  @IsString({ message: 'description must be a string' })
  @MaxLength(500)
  description?: string;

  /** sshid names (`identities.read`), Northflank names (`Account > Ssh > General > Read`) or Foreman names (`view_ssh_keys`). */
  @IsDefined({ message: 'permissions is required' })
  @IsArray({ message: 'permissions must be an array' })
  @IsString({ each: true, message: 'each permission must be a string' })
  permissions: string[];

  /** Organization (team) slug the token is bound to. */
  @IsOptional()
  @IsString({ message: 'team must be a string' })
  team?: string;

  @IsOptional()
  @IsDateString({}, { message: 'expiresAt must be an ISO date-time' })
  expiresAt?: string;
}

export class CreateKeyDto {
  @IsDefined({ message: 'name is required' })
  @IsString({ message: 'name must be a string' })
  @Length(1, 255, { message: 'name must be 1 to 255 characters long' })
  name: string;

  @IsDefined({ message: 'key is required' })
  @IsString({ message: 'key must be a string' })
  @MaxLength(16384)
  key: string;

  @IsOptional()
  @IsDateString({}, { message: 'expiresAt must be an ISO date-time' })
  expiresAt?: string;
}

export class UpdateKeyDto {
  /** An ISO date-time, or null to clear the expiry. */
  @IsDefined({ message: 'expiresAt is required (null clears it)' })
  @ValidateIf((_object, value) => value !== null)
  @IsDateString({}, { message: 'expiresAt must be an ISO date-time or null' })
  expiresAt: string | null;
}
