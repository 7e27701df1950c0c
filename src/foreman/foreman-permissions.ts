/** Foreman's names for the domain's permissions. */
export const FOREMAN_PERMISSION_NAMES: Record<string, string> = {
  'ssh_keys.view': 'view_ssh_keys',
  'ssh_keys.create': 'create_ssh_keys',
  'ssh_keys.delete': 'destroy_ssh_keys',
  'users.view': 'view_users',
  'users.manage': 'edit_users',
};
