import { ORGANIZATION_PERMISSIONS, OrganizationPermission } from '../auth/permissions';

/** Nexterm's names for the organization permissions sshid knows. */
const NEXTERM_ORGANIZATION_PERMISSIONS: Record<OrganizationPermission, string> = {
  'identities.manage': 'identities.manage',
  'members.manage': 'org.members.manage',
  'audit.view': 'org.audit.view',
};

export const nextermPermission = (permission: OrganizationPermission): string => NEXTERM_ORGANIZATION_PERMISSIONS[permission];

/** The domain permission a Nexterm permission name stands for; undefined for names sshid does not know. */
export function organizationPermissionFromNexterm(name: string): OrganizationPermission | undefined {
  return ORGANIZATION_PERMISSIONS.find((permission) => NEXTERM_ORGANIZATION_PERMISSIONS[permission] === name);
}
