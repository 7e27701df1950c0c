import { FOREMAN_PERMISSION_NAMES } from '../foreman/foreman-permissions';
import { permissionFromNorthflank } from '../northflank/northflank-permissions';

/**
 * sshid's own permission name for any spelling a client may know it by (Northflank's, Foreman's or sshid's);
 * unknown names pass through, to be refused by the token service.
 */
export function canonicalPermission(name: string): string {
  const foreman = Object.entries(FOREMAN_PERMISSION_NAMES).find(([, alias]) => alias === name)?.[0];
  return permissionFromNorthflank(name) ?? foreman ?? name;
}
