import { arrayOf, bool, closedObject, int, nullable, str } from '../docs/schema-helpers';

export const nextermErrorSchema = closedObject({ code: int, message: str });
export const messageSchema = closedObject({ message: str });
export const successSchema = closedObject({ success: bool, message: str }, ['message']);

export const identityListSchema = arrayOf(
  closedObject({
    id: int,
    name: str,
    type: { type: 'string', enum: ['password', 'ssh', 'both', 'password-only'] },
    username: nullable(str),
    organizationId: nullable(int),
    accountId: nullable(int),
    scope: { type: 'string', enum: ['personal', 'organization'] },
  }),
);
export const identityCreatedSchema = closedObject({ message: str, id: int });
export const identityMovedSchema = closedObject({
  message: str,
  identity: closedObject({ id: int, name: str, type: str, organizationId: int, accountId: nullable(int) }),
});
export const loginSchema = closedObject({ token: str, totpRequired: bool, message: str });
export const accountSchema = closedObject({
  id: int,
  username: str,
  totpEnabled: bool,
  firstName: nullable(str),
  lastName: nullable(str),
  isAdmin: bool,
  permissions: arrayOf(str),
});
export const organizationSchema = closedObject({
  id: int,
  name: str,
  description: nullable(str),
  auditSettings: { type: 'object' },
  sessionSettings: { type: 'object' },
  createdAt: str,
  updatedAt: str,
  isOwner: bool,
  permissions: arrayOf(str),
}, ['isOwner', 'permissions']);
