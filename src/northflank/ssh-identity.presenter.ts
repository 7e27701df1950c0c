import { Identity } from '../identities/identity.entity';

/** Northflank's identity object. Keys carry their fingerprints in sshid, but Northflank's schema has only `key`. */
export function presentSshIdentity(identity: Identity) {
  return {
    id: identity.slug,
    name: identity.name,
    ...(identity.description ? { description: identity.description } : {}),
    sshPublicKeys: (identity.keys ?? []).map((key) => ({ key: key.keyText })),
    restrictions: identity.restrictions,
    createdAt: identity.createdAt.toISOString(),
    updatedAt: identity.updatedAt.toISOString(),
  };
}
