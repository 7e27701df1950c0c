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

export const sessionListSchema = arrayOf(closedObject({ id: str, ip: nullable(str), userAgent: str, lastActivity: str, current: bool }));
export const userListSchema = closedObject({
  users: arrayOf(
    closedObject({
      id: int, username: str, totpEnabled: bool, firstName: nullable(str), lastName: nullable(str), isAdmin: bool, permissions: arrayOf(str), role: str,
      groups: arrayOf(closedObject({ id: int, name: str, color: str, isAdmin: bool, isDefault: bool })),
    }),
  ),
  total: int,
});
export const accountCreatedSchema = closedObject({ message: str, id: int });
export const deviceCreatedSchema = closedObject({ code: str, token: str, expiresAt: str });
export const devicePollSchema = closedObject({ status: { type: 'string', enum: ['pending', 'authorized', 'invalid'] }, token: str }, ['token']);
export const deviceInfoSchema = closedObject({ ipAddress: nullable(str), userAgent: nullable(str), clientType: str, expiresAt: str });
export const deviceAuthorizedSchema = closedObject({
  message: str,
  deviceInfo: closedObject({ ipAddress: nullable(str), userAgent: nullable(str), clientType: str }),
});
export const organizationListSchema = arrayOf(organizationSchema);
export const memberListSchema = arrayOf(
  closedObject({ username: str, firstName: nullable(str), lastName: nullable(str), avatarHash: nullable(str), accountId: int, name: str, role: str, status: str }),
);
const person = closedObject({ id: int, username: str, firstName: nullable(str), lastName: nullable(str), name: str });
export const invitationListSchema = arrayOf(
  closedObject({ organization: closedObject({ id: int, name: str, description: nullable(str) }), invitedBy: nullable(person), createdAt: str }),
);
export const auditLogSchema = closedObject({
  logs: arrayOf(
    closedObject({
      id: int,
      accountId: nullable(int),
      organizationId: nullable(int),
      action: str,
      resource: str,
      resourceId: nullable(int),
      resourceName: nullable(str),
      ipAddress: nullable(str),
      userAgent: nullable(str),
      timestamp: str,
      details: { type: 'object' },
      reason: nullable(str),
      organizationName: nullable(str),
    }),
  ),
  total: int,
  filters: { type: 'object' },
});
export const memberPermissionsSchema = closedObject({
  catalog: arrayOf(str),
  overrides: { type: 'object', additionalProperties: { type: 'string', enum: ['allow'] } },
  effective: arrayOf(str),
  inherited: arrayOf(str),
});
