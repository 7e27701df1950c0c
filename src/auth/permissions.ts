/**
 * Domain permissions. An API token carries a subset of them; a login session carries all of them for the
 * user's own data. Acting on another user's keys also needs the grant on the user (`users.permissions`).
 */
export const PERMISSIONS = [
  'identities.read',
  'identities.create',
  'identities.update',
  'identities.delete',
  'ssh_keys.view',
  'ssh_keys.create',
  'ssh_keys.delete',
  'users.view',
  'users.manage',
  // For SSH servers: read the authorized keys of any login (a host token).
  'authorized_keys.read',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

/** Permissions a member can hold inside an organization; owners and admins hold all of them. */
export const ORGANIZATION_PERMISSIONS = ['identities.manage', 'members.manage', 'audit.view'] as const;
export type OrganizationPermission = (typeof ORGANIZATION_PERMISSIONS)[number];

export function isPermission(value: string): value is Permission {
  return (PERMISSIONS as readonly string[]).includes(value);
}
