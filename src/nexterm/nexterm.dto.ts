import { IDENTITY_TYPES } from '../identities/identity.entity';
import { Transform } from 'class-transformer';
import { ValidateBy } from 'class-validator';
import { Field } from './joi-style';
import { organizationPermissionFromNexterm } from './nexterm-permissions';

const SECRET = { kind: 'string', max: 65536 } as const;

export class CreateIdentityDto {
  // sshid keeps the documented 3–255 (../shared/spec/README.md).
  @Field({ kind: 'string', required: true, min: 3, max: 255 }) name: string;
  @Field({ kind: 'enum', required: true, values: IDENTITY_TYPES }) type: (typeof IDENTITY_TYPES)[number];
  @Field({ kind: 'string', max: 255 }) username?: string;
  @Field(SECRET) password?: string;
  @Field(SECRET) sshKey?: string;
  @Field(SECRET) passphrase?: string;
  @Field({ kind: 'integer' }) organizationId?: number | string;
}

export const UPDATE_IDENTITY_FIELDS = ['name', 'username', 'type', 'password', 'sshKey', 'passphrase', 'organizationId'] as const;

export class UpdateIdentityDto {
  @Field({ kind: 'string', min: 3, max: 255 }) name?: string;
  @Field({ kind: 'enum', values: IDENTITY_TYPES }) type?: (typeof IDENTITY_TYPES)[number];
  @Field({ kind: 'string', max: 255 }) username?: string;
  @Field(SECRET) password?: string;
  @Field(SECRET) sshKey?: string;
  @Field(SECRET) passphrase?: string;
  // Accepted and ignored, as Nexterm does: ownership changes only through move.
  @Field({ kind: 'integer' }) organizationId?: number | string;
  @Field({ kind: 'integer' }) accountId?: number | string;
}

export class MoveIdentityDto {
  @Field({ kind: 'integer', required: true }) organizationId: number | string;
}

export class RegisterDto {
  @Field({ kind: 'string', required: true, alphanum: true, min: 3, max: 15 }) username: string;
  @Field({ kind: 'string', required: true, min: 3, max: 150 }) password: string;
  @Field({ kind: 'string', required: true, min: 1, max: 50 }) firstName: string;
  @Field({ kind: 'string', required: true, min: 1, max: 50 }) lastName: string;
}

export class LoginDto {
  @Field({ kind: 'string', required: true, max: 255 }) username: string;
  @Field({ kind: 'string', required: true, max: 255 }) password: string;
  @Field({ kind: 'integer' }) code?: number | string;
}

export class LogoutDto {
  @Field({ kind: 'string', required: true, max: 4096 }) token: string;
}

export class PasswordDto {
  @Field({ kind: 'string', required: true, min: 3, max: 150 }) password: string;
}

export class RoleDto {
  @Field({ kind: 'enum', required: true, values: ['admin', 'user'] }) role: 'admin' | 'user';
}

export class CreateOrganizationDto {
  @Field({ kind: 'string', required: true, min: 1, max: 100 }) name: string;
  @Field({ kind: 'string', max: 500, allowEmpty: true, allowNull: true }) description?: string | null;
}

export class UpdateOrganizationDto {
  @Field({ kind: 'string', min: 1, max: 100 }) name?: string;
  @Field({ kind: 'string', max: 500, allowEmpty: true, allowNull: true }) description?: string | null;
}

export class InviteDto {
  @Field({ kind: 'string', required: true, max: 255 }) username: string;
}

export class RespondDto {
  @Field({ kind: 'boolean', required: true }) accept: boolean | string;
}

export class DeviceCreateDto {
  @Field({ kind: 'enum', required: true, values: ['mobile', 'connector', 'web'] }) clientType: 'mobile' | 'connector' | 'web';
}

export class DevicePollDto {
  @Field({ kind: 'string', required: true, hex: true, length: 64 }) token: string;
}

export class DeviceCodeDto {
  @Field({ kind: 'string', required: true, pattern: /^[A-Za-z2-9]{4}-[A-Za-z2-9]{4}$/, patternMessage: 'Code must be in format XXXX-XXXX' }) code: string;
}

/** What is wrong with a member-permission change (`{"identities.manage": "allow" | "deny" | "neutral"}`), in Joi's words. */
function permissionChangesProblem(value: unknown): string | null {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return 'permissions is required';
  for (const [name, choice] of Object.entries(value)) {
    if (!organizationPermissionFromNexterm(name)) return `permissions.${name} is not allowed`;
    if (choice !== 'allow' && choice !== 'deny' && choice !== 'neutral') return `permissions.${name} must be one of [allow, deny, neutral]`;
  }
  return null;
}

/** `PUT /api/organizations/:id/members/:accountId/permissions`: anything not allowed is not granted. */
export class MemberPermissionsDto {
  @ValidateBy({
    name: 'permissionChanges',
    validator: { validate: (value) => permissionChangesProblem(value) === null, defaultMessage: (args) => permissionChangesProblem(args?.value) ?? '' },
  })
  permissions: Record<string, 'allow' | 'deny' | 'neutral'>;
}

/** `POST /api/accounts/api-keys`: a name (trimmed, 1–100 characters) and an optional expiry (a date or timestamp). */
export class CreateApiKeyDto {
  @Transform(({ value }) => (typeof value === 'string' ? value.trim() : value))
  @ValidateBy({
    name: 'apiKeyName',
    validator: {
      validate: (value) => typeof value === 'string' && value !== '' && value.length <= 100,
      defaultMessage: (args) => (typeof args?.value === 'string' && args.value.length > 100 ? 'The name must be at most 100 characters' : 'A name is required'),
    },
  })
  name: string;

  @ValidateBy({
    name: 'apiKeyExpiry',
    validator: {
      validate: (value) =>
        value === undefined || value === null || value === '' || ((typeof value === 'string' || typeof value === 'number') && !Number.isNaN(new Date(value).getTime())),
      defaultMessage: () => 'Invalid expiration date',
    },
  })
  expiresAt?: string | number | null;
}
