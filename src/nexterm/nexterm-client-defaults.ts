import { arrayOf, bool, closedObject, int, str } from '../docs/schema-helpers';

/** Nexterm's default keymaps (server/controllers/keymap.js), what a brand-new Nexterm account gets. */
export const DEFAULT_KEYMAPS = [
  { action: 'search', key: 'ctrl+s' },
  { action: 'quick-action', key: 'ctrl+p' },
  { action: 'ai-menu', key: 'ctrl+k' },
  { action: 'ai-accept-tool', key: 'ctrl+enter' },
  { action: 'ai-command', key: 'ctrl+shift+g' },
  { action: 'snippets', key: 'ctrl+shift+s' },
  { action: 'keyboard-shortcuts', key: 'ctrl+shift+k' },
  { action: 'broadcast', key: 'ctrl+b' },
  { action: 'copy', key: 'ctrl+shift+c' },
  { action: 'fullscreen', key: 'f11' },
  { action: 'paste-identity-password', key: 'ctrl+shift+p' },
];

/** The audit actions sshid records, labelled as Nexterm labels them (server/controllers/audit.js). */
export const AUDIT_METADATA = {
  actions: [
    { key: 'IDENTITY_CREATE', value: 'identity.create', category: 'identity', label: 'Identity created' },
    { key: 'IDENTITY_UPDATE', value: 'identity.update', category: 'identity', label: 'Identity updated' },
    { key: 'IDENTITY_DELETE', value: 'identity.delete', category: 'identity', label: 'Identity deleted' },
  ],
  resources: [{ key: 'IDENTITY', value: 'identity', label: 'Identity' }],
  actionCategories: [{ key: 'identity', label: 'Identities', description: 'Identity records and credential access' }],
};

const CATEGORIES = {
  users: { key: 'users', label: 'User Management', icon: 'mdiAccountGroup' },
  organizations: { key: 'organizations', label: 'Organizations', icon: 'mdiDomain' },
  resources: { key: 'resources', label: 'Resources', icon: 'mdiServerOutline' },
  members: { key: 'members', label: 'Members', icon: 'mdiAccountMultipleOutline' },
  audit: { key: 'audit', label: 'Auditing', icon: 'mdiShieldCheckOutline' },
};

/** The permissions sshid enforces, under Nexterm's ids (server/permissions/registry.js). */
const PERMISSIONS = [
  { id: 'users.view', scopes: ['system'], category: 'users', label: 'View Users', description: 'See the list of user accounts and their details.' },
  { id: 'users.manage', scopes: ['system'], category: 'users', label: 'Manage Users', description: 'Create, edit, delete users and reset their passwords.' },
  { id: 'organizations.create', scopes: ['system'], category: 'organizations', label: 'Create Organizations', description: 'Create new organizations.', default: true },
  { id: 'identities.manage', scopes: ['system', 'organization'], category: 'resources', label: 'Manage Identities', description: 'Create, edit and delete identities.', default: true },
  { id: 'org.members.manage', scopes: ['organization'], category: 'members', label: 'Manage Members', description: 'Invite, remove and assign permissions to members.' },
  { id: 'org.audit.view', scopes: ['organization'], category: 'audit', label: 'View Audit Logs', description: 'View audit logs of this organization.' },
];

function catalogFor(scope: 'system' | 'organization') {
  const permissions = PERMISSIONS.filter((p) => p.scopes.includes(scope));
  const used = new Set(permissions.map((p) => p.category));
  return { scope, categories: Object.values(CATEGORIES).filter((c) => used.has(c.key)), permissions };
}

export function permissionCatalog() {
  return { system: catalogFor('system'), organization: catalogFor('organization') };
}

/** sshid has two fixed roles: administrators hold everything, every other account holds the defaults. */
export const ADMIN_GROUP = { id: 1, name: 'Administrator', color: '#a44747', isAdmin: true, isDefault: false };
export const USER_GROUP = { id: 2, name: 'User', color: '#314BD3', isAdmin: false, isDefault: true };

export const permissionGroupSchema = closedObject({
  id: int,
  name: str,
  color: str,
  isAdmin: bool,
  isDefault: bool,
  sortOrder: int,
  isSystem: bool,
  permissions: { type: 'object', additionalProperties: { type: 'string' } },
});
export const groupViewSchema = closedObject({ id: int, name: str, color: str, isAdmin: bool, isDefault: bool });
export const groupViewListSchema = arrayOf(groupViewSchema);

export function permissionGroups() {
  const defaults = Object.fromEntries(PERMISSIONS.filter((p) => p.default && p.scopes.includes('system')).map((p) => [p.id, 'allow']));
  return [
    { ...ADMIN_GROUP, sortOrder: 0, isSystem: true, permissions: { '*': 'allow' } },
    { ...USER_GROUP, sortOrder: 1, isSystem: true, permissions: defaults },
  ];
}
