import { createHash } from 'node:crypto';

interface ApidocParam {
  name: string;
  full_name: string;
  description: string;
  required: boolean;
  allow_nil: boolean;
  validator: string;
  expected_type: 'string' | 'numeric' | 'hash' | 'array' | 'boolean';
  show: boolean;
  params?: ApidocParam[];
}

function param(name: string, type: ApidocParam['expected_type'], description: string, required = false, validator = '', nested?: ApidocParam[]): ApidocParam {
  return {
    name: name.replace(/^.*\[(\w+)\]$/, '$1'),
    full_name: name,
    description: `<p>${description}</p>`,
    required,
    allow_nil: false,
    validator: validator || (type === 'numeric' ? 'Must be a number.' : type === 'hash' ? 'Must be a Hash' : 'Must be a String'),
    expected_type: type,
    show: true,
    ...(nested ? { params: nested } : {}),
  };
}

function method(resource: string, name: string, verb: string, url: string, description: string, params: ApidocParam[], search?: Array<{ name: string; type: string }>) {
  return {
    doc_url: `../apidoc/v2/${resource}/${name}`,
    name,
    apis: [{ api_url: url, http_method: verb, short_description: description, deprecated: null }],
    formats: null,
    full_description: '',
    errors: [],
    params,
    examples: [],
    metadata: search ? { search } : null,
    see: [],
    headers: [],
    show: true,
  };
}

function resource(id: string, name: string, methods: ReturnType<typeof method>[]) {
  return {
    doc_url: `../apidoc/v2/${id}`,
    id,
    api_url: '/api',
    name,
    short_description: null,
    full_description: null,
    version: 'v2',
    formats: null,
    metadata: null,
    methods,
  };
}

const taxonomy = [
  param('location_id', 'numeric', 'Set the current location context for the request', false, 'Must be a Integer'),
  param('organization_id', 'numeric', 'Set the current organization context for the request', false, 'Must be a Integer'),
];
const listing = [
  param('search', 'string', 'filter results'),
  param('order', 'string', 'Sort and order by a searchable field, e.g. \'&lt;field&gt; DESC\''),
  param('page', 'numeric', 'Page number, starting at 1'),
  param('per_page', 'string', 'Number of results per page to return, \'all\' to return all results', false, 'Must match regular expression <code>/\\A([1-9]\\d*|all)\\Z$/</code>.'),
];

/**
 * Resources hammer-cli-foreman looks up while it loads its Foreman module, before running any command: the
 * associations of `lib/hammer_cli_foreman/associating_commands.rb` (one missing resource stops the whole module with
 * "Resource 'hostgroups' does not exist in the API") and `common_parameter.rb`'s resource. sshid serves none of their
 * routes, so they are listed with no methods: hammer loads, and a call to any of them stays Foreman's 404.
 */
export const HAMMER_LOAD_TIME_RESOURCES = [
  'hostgroups', 'domains', 'media', 'subnets', 'compute_resources', 'smart_proxies', 'users', 'usergroups',
  'provisioning_templates', 'organizations', 'operatingsystems', 'architectures', 'ptables', 'roles', 'locations',
  'common_parameters',
] as const;

const unserved = Object.fromEntries(
  HAMMER_LOAD_TIME_RESOURCES.filter((id) => id !== 'users').map((id) => [id, resource(id, id.charAt(0).toUpperCase() + id.slice(1), [])]),
);

/** The apipie document hammer and apipie-bindings load to learn the ssh_keys and users resources. */
export const APIDOC = {
  docs: {
    name: 'Foreman',
    info: 'sshid serving the Foreman API v2 for users and their SSH keys',
    copyright: '',
    doc_url: '../apidoc/v2',
    api_url: '/api',
    resources: {
      ...unserved,
      ssh_keys: resource('ssh_keys', 'Ssh_keys', [
        method('ssh_keys', 'index', 'GET', '/api/users/:user_id/ssh_keys', 'List all SSH keys for a user',
          [...taxonomy, param('user_id', 'string', 'ID of the user', true), ...listing],
          [{ name: 'id', type: 'integer' }, { name: 'name', type: 'string' }, { name: 'user_id', type: 'integer' }]),
        method('ssh_keys', 'show', 'GET', '/api/users/:user_id/ssh_keys/:id', 'Show an SSH key from a user',
          [...taxonomy, param('id', 'string', 'ID of the SSH key', true, 'Must be an identifier, string from 1 to 128 characters containing only alphanumeric characters, space, underscore(_), hypen(-) with no leading or trailing space.'), param('user_id', 'string', 'ID of the user', true)]),
        method('ssh_keys', 'create', 'POST', '/api/users/:user_id/ssh_keys', 'Add an SSH key for a user',
          [...taxonomy, param('user_id', 'string', 'ID of the user', true),
            param('ssh_key', 'hash', '', true, '', [param('ssh_key[name]', 'string', '', true), param('ssh_key[key]', 'string', 'Public SSH key', true)])]),
        method('ssh_keys', 'destroy', 'DELETE', '/api/users/:user_id/ssh_keys/:id', 'Delete an SSH key for a user',
          [...taxonomy, param('id', 'string', 'ID of the SSH key', true), param('user_id', 'string', 'ID of the user', true)]),
      ]),
      users: resource('users', 'Users', [
        method('users', 'index', 'GET', '/api/users', 'List all users', [...taxonomy, ...listing],
          [{ name: 'login', type: 'string' }, { name: 'id', type: 'integer' }]),
        method('users', 'show', 'GET', '/api/users/:id', 'Show a user', [...taxonomy, param('id', 'string', 'ID of the user', true)]),
      ]),
    },
  },
};

export const APIPIE_CHECKSUM = createHash('md5').update(JSON.stringify(APIDOC)).digest('hex');
