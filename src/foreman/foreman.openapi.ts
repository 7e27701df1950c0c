import { SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { arrayOf, bool, closedObject, int, nullable, str } from '../docs/schema-helpers';

const foremanTime: SchemaObject = { type: 'string', pattern: '^\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d UTC$', example: '2026-11-23 10:00:00 UTC' };

export const sshKeySchema = closedObject({
  created_at: foremanTime,
  updated_at: foremanTime,
  id: int,
  name: str,
  key: str,
  length: int,
  fingerprint: { type: 'string', description: 'SHA256 of the key blob, base64 with padding' },
});

export const destroyedSshKeySchema = closedObject({
  id: int,
  name: str,
  key: str,
  fingerprint: str,
  user_id: int,
  length: int,
  created_at: { type: 'string', format: 'date-time' },
  updated_at: { type: 'string', format: 'date-time' },
});

const sortSchema = closedObject({ by: nullable(str), order: nullable(str) });
const index = (item: SchemaObject) =>
  closedObject({ total: int, subtotal: int, page: int, per_page: int, search: nullable(str), sort: sortSchema, results: arrayOf(item) });

export const sshKeyIndexSchema = index(sshKeySchema);

export const foremanUserSchema = closedObject({
  id: int,
  login: str,
  firstname: nullable(str),
  lastname: nullable(str),
  mail: nullable(str),
  admin: bool,
  disabled: bool,
  created_at: foremanTime,
  updated_at: foremanTime,
});
export const foremanUserIndexSchema = index(foremanUserSchema);

export const foremanErrorSchema: SchemaObject = {
  oneOf: [
    closedObject(
      {
        error: {
          type: 'object',
          properties: {
            message: str,
            class: str,
            details: str,
            missing_permissions: arrayOf(str),
            id: nullable(int),
            errors: { type: 'object', additionalProperties: arrayOf(str) },
            full_messages: arrayOf(str),
          },
          additionalProperties: false,
        },
      },
    ),
    closedObject({ status: int, error: str }),
  ],
};

export const sshKeyCreateBody: SchemaObject = {
  oneOf: [
    closedObject({ ssh_key: closedObject({ name: str, key: { type: 'string', description: 'OpenSSH public key line' }, user_id: int }, ['user_id']) }),
    closedObject({ name: str, key: str }),
  ],
};
