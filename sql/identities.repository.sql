-- Written by `npm run sql:sync` from the @GenerateSql examples in src/identities/identities.repository.ts; do not edit.

-- IdentitiesRepository.listOwned: a user's page
SELECT
  i.id,
  i.slug,
  i.name,
  i.description,
  i.type,
  i.owner_user_id,
  i.organization_id,
  i.restrictions,
  floor(
    extract(
      epoch
      FROM
        i.created_at
    ) * 1000
  )::float8 AS created_at,
  floor(
    extract(
      epoch
      FROM
        i.updated_at
    ) * 1000
  )::float8 AS updated_at,
  COALESCE(
    (
      SELECT
        json_agg(
          json_build_object(
            'key_text',
            k.key_text,
            'key_type',
            k.key_type,
            'fingerprint_sha256',
            k.fingerprint_sha256
          )
          ORDER BY
            k.position,
            k.id
        )
      FROM
        public_keys k
      WHERE
        k.identity_id = i.id
    ),
    '[]'
  ) AS keys
FROM
  identities i
WHERE
  i.owner_user_id = $1
ORDER BY
  i.id
LIMIT
  $2
OFFSET
  $3;

-- IdentitiesRepository.listOwned: an organization's page
SELECT
  i.id,
  i.slug,
  i.name,
  i.description,
  i.type,
  i.owner_user_id,
  i.organization_id,
  i.restrictions,
  floor(
    extract(
      epoch
      FROM
        i.created_at
    ) * 1000
  )::float8 AS created_at,
  floor(
    extract(
      epoch
      FROM
        i.updated_at
    ) * 1000
  )::float8 AS updated_at,
  COALESCE(
    (
      SELECT
        json_agg(
          json_build_object(
            'key_text',
            k.key_text,
            'key_type',
            k.key_type,
            'fingerprint_sha256',
            k.fingerprint_sha256
          )
          ORDER BY
            k.position,
            k.id
        )
      FROM
        public_keys k
      WHERE
        k.identity_id = i.id
    ),
    '[]'
  ) AS keys
FROM
  identities i
WHERE
  i.organization_id = $1
ORDER BY
  i.id
LIMIT
  $2
OFFSET
  $3;

-- IdentitiesRepository.listVisibleTo: any credentials
SELECT
  i.id,
  i.slug,
  i.name,
  i.username,
  i.type,
  i.owner_user_id,
  i.organization_id
FROM
  identities i
WHERE
  (
    i.owner_user_id = $1
    OR i.organization_id IN (
      SELECT
        m.organization_id
      FROM
        organization_members m
      WHERE
        m.user_id = $1
        AND m.status = 'active'
    )
  )
ORDER BY
  i.organization_id IS NOT NULL,
  i.id;

-- IdentitiesRepository.listVisibleTo: credentials bound to an organization
SELECT
  i.id,
  i.slug,
  i.name,
  i.username,
  i.type,
  i.owner_user_id,
  i.organization_id
FROM
  identities i
WHERE
  (
    i.organization_id = $2
    AND EXISTS (
      SELECT
        1
      FROM
        organization_members m
      WHERE
        m.organization_id = $2
        AND m.user_id = $1
        AND m.status = 'active'
    )
  )
ORDER BY
  i.organization_id IS NOT NULL,
  i.id;

-- IdentitiesRepository.lockOwnedBySlug: in a transaction
SELECT
  "i"."id" AS "i_id",
  "i"."slug" AS "i_slug",
  "i"."name" AS "i_name",
  "i"."description" AS "i_description",
  "i"."username" AS "i_username",
  "i"."type" AS "i_type",
  "i"."owner_user_id" AS "i_owner_user_id",
  "i"."organization_id" AS "i_organization_id",
  "i"."created_by" AS "i_created_by",
  "i"."restrictions" AS "i_restrictions",
  "i"."created_at" AS "i_created_at",
  "i"."updated_at" AS "i_updated_at",
  "i"."version" AS "i_version"
FROM
  "identities" "i"
WHERE
  "i"."owner_user_id" = $1
  AND "i"."slug" = $2
FOR UPDATE;

-- IdentitiesRepository.lockById: in a transaction
SELECT
  "i"."id" AS "i_id",
  "i"."slug" AS "i_slug",
  "i"."name" AS "i_name",
  "i"."description" AS "i_description",
  "i"."username" AS "i_username",
  "i"."type" AS "i_type",
  "i"."owner_user_id" AS "i_owner_user_id",
  "i"."organization_id" AS "i_organization_id",
  "i"."created_by" AS "i_created_by",
  "i"."restrictions" AS "i_restrictions",
  "i"."created_at" AS "i_created_at",
  "i"."updated_at" AS "i_updated_at",
  "i"."version" AS "i_version"
FROM
  "identities" "i"
WHERE
  "i"."id" = $1
FOR UPDATE;

-- IdentitiesRepository.slugTakenInOrganization: in a transaction
SELECT
  1 AS "row_exists"
FROM
  (
    SELECT
      1 AS dummy_column
  ) "dummy_table"
WHERE
  EXISTS (
    SELECT
      1
    FROM
      "identities" "Identity"
    WHERE
      (
        ("Identity"."organization_id" = $1)
        AND ("Identity"."slug" = $2)
      )
  )
LIMIT
  1;

-- IdentitiesRepository.moveToOrganization: in a transaction
UPDATE "identities"
SET
  "owner_user_id" = $1,
  "organization_id" = $2,
  "slug" = $3,
  "version" = "version" + 1,
  "updated_at" = CURRENT_TIMESTAMP
WHERE
  "id" = $4;

UPDATE "public_keys"
SET
  "user_id" = $1,
  "updated_at" = CURRENT_TIMESTAMP
WHERE
  "identity_id" = $2;

-- IdentitiesRepository.matchByFingerprint: a project and tags
SELECT
  "i"."id" AS "i_id",
  "i"."slug" AS "i_slug",
  "i"."name" AS "i_name",
  "i"."description" AS "i_description",
  "i"."username" AS "i_username",
  "i"."type" AS "i_type",
  "i"."owner_user_id" AS "i_owner_user_id",
  "i"."organization_id" AS "i_organization_id",
  "i"."created_by" AS "i_created_by",
  "i"."restrictions" AS "i_restrictions",
  "i"."created_at" AS "i_created_at",
  "i"."updated_at" AS "i_updated_at",
  "i"."version" AS "i_version"
FROM
  "identities" "i"
  INNER JOIN "public_keys" "k" ON "k"."identity_id" = "i"."id"
  AND "k"."fingerprint_sha256" = $1
WHERE
  "i"."owner_user_id" = $2
  AND (
    NOT COALESCE(
      ("i"."restrictions" #>> '{projects,enabled}')::boolean,
      FALSE
    )
    OR (
      CAST($3 AS text) IS NOT NULL
      AND COALESCE(
        "i"."restrictions" #> '{projects,items}',
        '[]'::jsonb
      ) ? CAST($3 AS text)
    )
  )
  AND (
    NOT COALESCE(
      ("i"."restrictions" #>> '{tags,enabled}')::boolean,
      FALSE
    )
    OR (
      COALESCE(
        "i"."restrictions" #>> '{tags,matchCondition}',
        'or'
      ) = 'and'
      AND COALESCE("i"."restrictions" #> '{tags,items}', '[]'::jsonb) <@ to_jsonb(CAST($4 AS TEXT[]))
    )
    OR (
      COALESCE(
        "i"."restrictions" #>> '{tags,matchCondition}',
        'or'
      ) <> 'and'
      AND jsonb_exists_any (
        COALESCE("i"."restrictions" #> '{tags,items}', '[]'::jsonb),
        CAST($4 AS TEXT[])
      )
    )
  )
ORDER BY
  "i"."id" ASC;

SELECT
  "k"."id" AS "k_id",
  "k"."user_id" AS "k_user_id",
  "k"."identity_id" AS "k_identity_id",
  "k"."name" AS "k_name",
  "k"."key_text" AS "k_key_text",
  "k"."key_type" AS "k_key_type",
  "k"."bits" AS "k_bits",
  "k"."fingerprint_sha256" AS "k_fingerprint_sha256",
  "k"."fingerprint_md5" AS "k_fingerprint_md5",
  "k"."comment" AS "k_comment",
  "k"."expires_at" AS "k_expires_at",
  "k"."last_used_at" AS "k_last_used_at",
  "k"."position" AS "k_position",
  "k"."derived" AS "k_derived",
  "k"."created_at" AS "k_created_at",
  "k"."updated_at" AS "k_updated_at"
FROM
  "public_keys" "k"
WHERE
  "k"."identity_id" = ANY ($1::INT[])
ORDER BY
  "k"."position" ASC,
  "k"."id" ASC;

-- IdentitiesRepository.reload: in a transaction
SELECT
  "Identity"."id" AS "Identity_id",
  "Identity"."slug" AS "Identity_slug",
  "Identity"."name" AS "Identity_name",
  "Identity"."description" AS "Identity_description",
  "Identity"."username" AS "Identity_username",
  "Identity"."type" AS "Identity_type",
  "Identity"."owner_user_id" AS "Identity_owner_user_id",
  "Identity"."organization_id" AS "Identity_organization_id",
  "Identity"."created_by" AS "Identity_created_by",
  "Identity"."restrictions" AS "Identity_restrictions",
  "Identity"."created_at" AS "Identity_created_at",
  "Identity"."updated_at" AS "Identity_updated_at",
  "Identity"."version" AS "Identity_version"
FROM
  "identities" "Identity"
WHERE
  (("Identity"."id" = $1))
LIMIT
  1;

SELECT
  "PublicKey"."id" AS "PublicKey_id",
  "PublicKey"."user_id" AS "PublicKey_user_id",
  "PublicKey"."identity_id" AS "PublicKey_identity_id",
  "PublicKey"."name" AS "PublicKey_name",
  "PublicKey"."key_text" AS "PublicKey_key_text",
  "PublicKey"."key_type" AS "PublicKey_key_type",
  "PublicKey"."bits" AS "PublicKey_bits",
  "PublicKey"."fingerprint_sha256" AS "PublicKey_fingerprint_sha256",
  "PublicKey"."fingerprint_md5" AS "PublicKey_fingerprint_md5",
  "PublicKey"."comment" AS "PublicKey_comment",
  "PublicKey"."expires_at" AS "PublicKey_expires_at",
  "PublicKey"."last_used_at" AS "PublicKey_last_used_at",
  "PublicKey"."position" AS "PublicKey_position",
  "PublicKey"."derived" AS "PublicKey_derived",
  "PublicKey"."created_at" AS "PublicKey_created_at",
  "PublicKey"."updated_at" AS "PublicKey_updated_at"
FROM
  "public_keys" "PublicKey"
WHERE
  (("PublicKey"."identity_id" = $1))
ORDER BY
  "PublicKey"."position" ASC,
  "PublicKey"."id" ASC;
