import { applyDecorators } from '@nestjs/common';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsISO8601,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { ORGANIZATION_PERMISSIONS } from '../auth/permissions';

/**
 * The shape of a seed file (YAML or JSON), as used by `sshid seed` and `POST /api/sshid/v1/import`. These classes
 * check types, lengths and patterns field by field; what needs the whole document or the key parser (repeats, key
 * policy, owner xor organization, derived ids) is checked in `seed-document.ts`.
 *
 * An empty string counts as absent, as it always has in seed files (`email: ""` leaves the email unset).
 * Each field's type check is its last decorator: class-validator runs a property's decorators bottom-up and the
 * reader stops at a field's first failure, so a wrong type is reported as that, not as a length.
 */
const emptyIsAbsent = ({ value }: { value: unknown }) => (value === '' || value === null ? undefined : value);

/** How many entries one list of a seed file may hold: large seeds go through several files. */
const MAX_ENTRIES = 100_000;

/** An optional list of mappings, each checked as `entry` (the type check first: see above). */
function OptionalListOf(entry: () => Function): PropertyDecorator {
  return applyDecorators(
    IsArray({ message: ({ property }) => `${property} must be a list` }),
    Type(entry),
    ValidateNested({ each: true, message: 'each entry must be a mapping' }),
    ArrayMaxSize(MAX_ENTRIES),
    IsOptional(),
    Transform(emptyIsAbsent),
  );
}

export class SeedUserKeyEntry {
  @Transform(emptyIsAbsent)
  @MaxLength(255)
  @IsString({ message: 'name is required' })
  name!: string;

  @IsString({ message: 'key must be an OpenSSH public key line' })
  key!: string;

  @Transform(emptyIsAbsent)
  @IsOptional()
  @IsISO8601({}, { message: 'expiresAt must be an ISO date' })
  expiresAt?: string;
}

export class SeedUserEntry {
  @Transform(emptyIsAbsent)
  @MaxLength(255)
  @Matches(/^\S+$/, { message: 'login must not contain spaces' })
  @IsString({ message: 'login is required' })
  login!: string;

  @Transform(emptyIsAbsent)
  @IsOptional()
  @MaxLength(255)
  @IsString()
  email?: string;

  @Transform(emptyIsAbsent)
  @IsOptional()
  @MaxLength(255)
  @IsString()
  firstName?: string;

  @Transform(emptyIsAbsent)
  @IsOptional()
  @MaxLength(255)
  @IsString()
  lastName?: string;

  @Transform(emptyIsAbsent)
  @IsOptional()
  @MinLength(8)
  @MaxLength(1024)
  @IsString()
  password?: string;

  @IsOptional()
  @IsBoolean({ message: 'admin must be true or false' })
  admin?: boolean;

  @OptionalListOf(() => SeedUserKeyEntry)
  keys?: SeedUserKeyEntry[];
}

export class SeedMemberEntry {
  @Transform(emptyIsAbsent)
  @MaxLength(255)
  @IsString({ message: 'login is required' })
  login!: string;

  @Transform(emptyIsAbsent)
  @IsOptional()
  @IsIn(ORGANIZATION_PERMISSIONS, { each: true, message: `each permission must be one of ${ORGANIZATION_PERMISSIONS.join(', ')}` })
  @IsArray({ message: 'permissions must be a list' })
  permissions?: string[];
}

export class SeedOrganizationEntry {
  @Transform(emptyIsAbsent)
  @MaxLength(39)
  @Matches(/^[a-z0-9]+(-[a-z0-9]+)*$/, { message: 'slug must be lowercase letters and digits separated by single dashes' })
  @IsString({ message: 'slug is required' })
  slug!: string;

  @Transform(emptyIsAbsent)
  @MaxLength(100)
  @IsString({ message: 'name is required' })
  name!: string;

  @Transform(emptyIsAbsent)
  @IsOptional()
  @MaxLength(500)
  @IsString()
  description?: string;

  @Transform(emptyIsAbsent)
  @MaxLength(255)
  @IsString({ message: 'owner is required' })
  owner!: string;

  @OptionalListOf(() => SeedMemberEntry)
  members?: SeedMemberEntry[];
}

export class SeedIdentityEntry {
  @Transform(emptyIsAbsent)
  @MaxLength(100)
  @IsString({ message: 'name is required' })
  name!: string;

  @Transform(emptyIsAbsent)
  @IsOptional()
  @MaxLength(39)
  @Matches(/^[a-z](-?[a-z0-9]+(-[a-z0-9]+)*)?$/, { message: 'id must start with a letter and hold lowercase letters, digits and single dashes' })
  @IsString()
  id?: string;

  @Transform(emptyIsAbsent)
  @IsOptional()
  @MaxLength(200)
  @IsString()
  description?: string;

  @Transform(emptyIsAbsent)
  @IsOptional()
  @MaxLength(255)
  @IsString()
  owner?: string;

  @Transform(emptyIsAbsent)
  @IsOptional()
  @MaxLength(39)
  @IsString()
  organization?: string;

  /** Each entry is a key line or `{key, expiresAt}`; both forms are read (and their keys parsed) in seed-document.ts. */
  @Transform(emptyIsAbsent)
  @IsOptional()
  @ArrayMaxSize(MAX_ENTRIES)
  @IsArray({ message: 'keys must be a list' })
  keys?: unknown[];

  @IsOptional()
  @IsObject({ message: 'restrictions must be a mapping' })
  restrictions?: Record<string, unknown>;
}

export class SeedDocumentBody {
  @OptionalListOf(() => SeedUserEntry)
  users?: SeedUserEntry[];

  @OptionalListOf(() => SeedOrganizationEntry)
  organizations?: SeedOrganizationEntry[];

  @OptionalListOf(() => SeedIdentityEntry)
  identities?: SeedIdentityEntry[];
}
