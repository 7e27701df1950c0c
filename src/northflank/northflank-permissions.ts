import { Permission } from '../auth/permissions';

const ACTIONS: Record<string, Permission> = {
  Read: 'identities.read',
  Create: 'identities.create',
  Update: 'identities.update',
  Delete: 'identities.delete',
};

/** `Account > Ssh > General > Read` (js-client 0.9.5) and `Account > Platform > Ssh > Read` (newer docs). */
export function permissionFromNorthflank(name: string): Permission | null {
  const match = /^Account > (?:Ssh > General|Platform > Ssh) > (Read|Create|Update|Delete)$/.exec(name.trim());
  return match ? ACTIONS[match[1]] : null;
}

export function northflankPermissionName(permission: string): string {
  const action = Object.entries(ACTIONS).find(([, p]) => p === permission)?.[0];
  return action ? `Account > Ssh > General > ${action}` : permission;
}
