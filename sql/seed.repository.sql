-- Written by `npm run sql:sync` from the @GenerateSql examples in src/seeding/seed.repository.ts; do not edit.

-- SeedRepository.userIdsByLogin: two logins
SELECT
  id,
  lower(login) AS login
FROM
  users
WHERE
  lower(login) = ANY ($1::TEXT[]);

-- SeedRepository.personalKeys: one user
SELECT
  id,
  user_id,
  fingerprint_sha256,
  expires_at
FROM
  public_keys
WHERE
  identity_id IS NULL
  AND user_id = ANY ($1::INT[]);

-- SeedRepository.organizationIdsBySlug: two slugs
SELECT
  id,
  slug
FROM
  organizations
WHERE
  slug = ANY ($1::TEXT[]);

-- SeedRepository.lockIdentity: a user's identity
SELECT
  i.id,
  i.name,
  i.description,
  i.restrictions = $4::jsonb AS same_restrictions,
  COALESCE(
    (
      SELECT
        array_agg(
          k.fingerprint_sha256 || '@' || COALESCE(
            (
              extract(
                epoch
                FROM
                  k.expires_at
              ) * 1000
            )::bigint::text,
            ''
          )
          ORDER BY
            k.position,
            k.id
        )
      FROM
        public_keys k
      WHERE
        k.identity_id = i.id
        AND NOT k.derived
    ),
    '{}'
  ) AS fingerprints
FROM
  identities i
WHERE
  i.slug = $1
  AND (
    i.owner_user_id = $2
    OR i.organization_id = $3
  )
FOR UPDATE;
