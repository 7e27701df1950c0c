-- Written by `npm run sql:sync` from the @GenerateSql examples in src/keys/public-keys.repository.ts; do not edit.

-- PublicKeysRepository.listPersonal: no search: one page (hammer, CI)
SELECT
  k.id,
  k.user_id,
  k.name,
  k.key_text,
  k.key_type,
  k.bits,
  k.fingerprint_sha256,
  floor(
    extract(
      epoch
      FROM
        k.expires_at
    ) * 1000
  )::float8 AS expires_at,
  floor(
    extract(
      epoch
      FROM
        k.last_used_at
    ) * 1000
  )::float8 AS last_used_at,
  floor(
    extract(
      epoch
      FROM
        k.created_at
    ) * 1000
  )::float8 AS created_at,
  floor(
    extract(
      epoch
      FROM
        k.updated_at
    ) * 1000
  )::float8 AS updated_at,
  (
    SELECT
      count(*)
    FROM
      public_keys c
    WHERE
      c.user_id = $1
      AND c.identity_id IS NULL
  ) AS matching
FROM
  public_keys k
WHERE
  k.user_id = $1
  AND k.identity_id IS NULL
ORDER BY
  k.id ASC
LIMIT
  $2
OFFSET
  $3;

SELECT
  count(*) AS n
FROM
  public_keys k
WHERE
  k.user_id = $1
  AND k.identity_id IS NULL;

-- PublicKeysRepository.listPersonal: no search, ordered by name, no limit
SELECT
  k.id,
  k.user_id,
  k.name,
  k.key_text,
  k.key_type,
  k.bits,
  k.fingerprint_sha256,
  floor(
    extract(
      epoch
      FROM
        k.expires_at
    ) * 1000
  )::float8 AS expires_at,
  floor(
    extract(
      epoch
      FROM
        k.last_used_at
    ) * 1000
  )::float8 AS last_used_at,
  floor(
    extract(
      epoch
      FROM
        k.created_at
    ) * 1000
  )::float8 AS created_at,
  floor(
    extract(
      epoch
      FROM
        k.updated_at
    ) * 1000
  )::float8 AS updated_at,
  (
    SELECT
      count(*)
    FROM
      public_keys c
    WHERE
      c.user_id = $1
      AND c.identity_id IS NULL
  ) AS matching
FROM
  public_keys k
WHERE
  k.user_id = $1
  AND k.identity_id IS NULL
ORDER BY
  k.name DESC NULLS LAST;

SELECT
  count(*) AS n
FROM
  public_keys k
WHERE
  k.user_id = $1
  AND k.identity_id IS NULL;

-- PublicKeysRepository.listPersonal: a search (name ~ "lap%" or id in 1, 2) past the end
SELECT
  "k"."id",
  "k"."user_id",
  "k"."name",
  "k"."key_text",
  "k"."key_type",
  "k"."bits",
  "k"."fingerprint_sha256",
  floor(
    extract(
      epoch
      FROM
        "k"."expires_at"
    ) * 1000
  )::float8 AS expires_at,
  floor(
    extract(
      epoch
      FROM
        "k"."last_used_at"
    ) * 1000
  )::float8 AS last_used_at,
  floor(
    extract(
      epoch
      FROM
        "k"."created_at"
    ) * 1000
  )::float8 AS created_at,
  floor(
    extract(
      epoch
      FROM
        "k"."updated_at"
    ) * 1000
  )::float8 AS updated_at,
  count(*) OVER () AS "matching"
FROM
  "public_keys" "k"
WHERE
  "k"."user_id" = $1
  AND "k"."identity_id" IS NULL
  AND (
    ("k"."name" ILIKE $2)
    OR ("k"."id" IN ($3, $4))
  )
ORDER BY
  "k"."id" ASC
LIMIT
  20
OFFSET
  100;

SELECT
  COUNT(1) AS "cnt"
FROM
  "public_keys" "k"
WHERE
  "k"."user_id" = $1
  AND "k"."identity_id" IS NULL;

SELECT
  count(*) AS "n"
FROM
  "public_keys" "k"
WHERE
  "k"."user_id" = $1
  AND "k"."identity_id" IS NULL
  AND (
    ("k"."name" ILIKE $2)
    OR ("k"."id" IN ($3, $4))
  );

-- PublicKeysRepository.findPersonal: by name, then by id
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
  (
    ("PublicKey"."user_id" = $1)
    AND ("PublicKey"."identity_id" IS NULL)
    AND ("PublicKey"."name" = $2)
  )
ORDER BY
  "PublicKey"."id" ASC
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
  (
    ("PublicKey"."user_id" = $1)
    AND ("PublicKey"."identity_id" IS NULL)
    AND ("PublicKey"."id" = $2)
  )
ORDER BY
  "PublicKey"."id" ASC
LIMIT
  1;

-- PublicKeysRepository.personalFingerprintTaken: a fingerprint
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
      "public_keys" "PublicKey"
    WHERE
      (
        ("PublicKey"."user_id" = $1)
        AND ("PublicKey"."identity_id" IS NULL)
        AND ("PublicKey"."fingerprint_sha256" = $2)
      )
  )
LIMIT
  1;

-- PublicKeysRepository.insertPersonal: a key
INSERT INTO
  public_keys AS k (
    user_id,
    identity_id,
    name,
    key_text,
    key_type,
    bits,
    fingerprint_sha256,
    fingerprint_md5,
    comment,
    expires_at
  )
VALUES
  ($1, NULL, $2, $3, $4, $5, $6, $7, $8, $9)
RETURNING
  k.id,
  k.user_id,
  k.name,
  k.key_text,
  k.key_type,
  k.bits,
  k.fingerprint_sha256,
  floor(
    extract(
      epoch
      FROM
        k.expires_at
    ) * 1000
  )::float8 AS expires_at,
  floor(
    extract(
      epoch
      FROM
        k.last_used_at
    ) * 1000
  )::float8 AS last_used_at,
  floor(
    extract(
      epoch
      FROM
        k.created_at
    ) * 1000
  )::float8 AS created_at,
  floor(
    extract(
      epoch
      FROM
        k.updated_at
    ) * 1000
  )::float8 AS updated_at;

-- PublicKeysRepository.deletePersonal: one of the user's keys
DELETE FROM "public_keys"
WHERE
  (
    "id" = $1
    AND "user_id" = $2
    AND "identity_id" IS NULL
  );

-- PublicKeysRepository.findById: with its identity
SELECT DISTINCT
  "distinctAlias"."PublicKey_id" AS "ids_PublicKey_id"
FROM
  (
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
      "PublicKey"."updated_at" AS "PublicKey_updated_at",
      "PublicKey__PublicKey_identity"."id" AS "PublicKey__PublicKey_identity_id",
      "PublicKey__PublicKey_identity"."slug" AS "PublicKey__PublicKey_identity_slug",
      "PublicKey__PublicKey_identity"."name" AS "PublicKey__PublicKey_identity_name",
      "PublicKey__PublicKey_identity"."description" AS "PublicKey__PublicKey_identity_description",
      "PublicKey__PublicKey_identity"."username" AS "PublicKey__PublicKey_identity_username",
      "PublicKey__PublicKey_identity"."type" AS "PublicKey__PublicKey_identity_type",
      "PublicKey__PublicKey_identity"."owner_user_id" AS "PublicKey__PublicKey_identity_owner_user_id",
      "PublicKey__PublicKey_identity"."organization_id" AS "PublicKey__PublicKey_identity_organization_id",
      "PublicKey__PublicKey_identity"."created_by" AS "PublicKey__PublicKey_identity_created_by",
      "PublicKey__PublicKey_identity"."restrictions" AS "PublicKey__PublicKey_identity_restrictions",
      "PublicKey__PublicKey_identity"."created_at" AS "PublicKey__PublicKey_identity_created_at",
      "PublicKey__PublicKey_identity"."updated_at" AS "PublicKey__PublicKey_identity_updated_at",
      "PublicKey__PublicKey_identity"."version" AS "PublicKey__PublicKey_identity_version"
    FROM
      "public_keys" "PublicKey"
      LEFT JOIN "identities" "PublicKey__PublicKey_identity" ON "PublicKey__PublicKey_identity"."id" = "PublicKey"."identity_id"
    WHERE
      (("PublicKey"."id" = $1))
  ) "distinctAlias"
ORDER BY
  "PublicKey_id" ASC
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
  "PublicKey"."updated_at" AS "PublicKey_updated_at",
  "PublicKey__PublicKey_identity"."id" AS "PublicKey__PublicKey_identity_id",
  "PublicKey__PublicKey_identity"."slug" AS "PublicKey__PublicKey_identity_slug",
  "PublicKey__PublicKey_identity"."name" AS "PublicKey__PublicKey_identity_name",
  "PublicKey__PublicKey_identity"."description" AS "PublicKey__PublicKey_identity_description",
  "PublicKey__PublicKey_identity"."username" AS "PublicKey__PublicKey_identity_username",
  "PublicKey__PublicKey_identity"."type" AS "PublicKey__PublicKey_identity_type",
  "PublicKey__PublicKey_identity"."owner_user_id" AS "PublicKey__PublicKey_identity_owner_user_id",
  "PublicKey__PublicKey_identity"."organization_id" AS "PublicKey__PublicKey_identity_organization_id",
  "PublicKey__PublicKey_identity"."created_by" AS "PublicKey__PublicKey_identity_created_by",
  "PublicKey__PublicKey_identity"."restrictions" AS "PublicKey__PublicKey_identity_restrictions",
  "PublicKey__PublicKey_identity"."created_at" AS "PublicKey__PublicKey_identity_created_at",
  "PublicKey__PublicKey_identity"."updated_at" AS "PublicKey__PublicKey_identity_updated_at",
  "PublicKey__PublicKey_identity"."version" AS "PublicKey__PublicKey_identity_version"
FROM
  "public_keys" "PublicKey"
  LEFT JOIN "identities" "PublicKey__PublicKey_identity" ON "PublicKey__PublicKey_identity"."id" = "PublicKey"."identity_id"
WHERE
  ((("PublicKey"."id" = $1)))
  AND ("PublicKey"."id" IN (1));

-- PublicKeysRepository.setExpiry: a date
UPDATE "public_keys"
SET
  "expires_at" = $1,
  "updated_at" = CURRENT_TIMESTAMP
WHERE
  "id" = $2;

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
  (("PublicKey"."id" = $1))
LIMIT
  1;

-- PublicKeysRepository.userExists: by id
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
      "users" "User"
    WHERE
      (("User"."id" = $1))
  )
LIMIT
  1;

-- PublicKeysRepository.replaceIdentityKeys: one key
DELETE FROM "public_keys"
WHERE
  (
    "identity_id" = $1
    AND "derived" = $2
  );

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
  (
    ("PublicKey"."identity_id" = $1)
    AND ("PublicKey"."derived" = $2)
  );

INSERT INTO
  "public_keys" (
    "user_id",
    "identity_id",
    "name",
    "key_text",
    "key_type",
    "bits",
    "fingerprint_sha256",
    "fingerprint_md5",
    "comment",
    "expires_at",
    "last_used_at",
    "position",
    "derived",
    "created_at",
    "updated_at"
  )
VALUES
  (
    DEFAULT,
    $1,
    DEFAULT,
    $2,
    $3,
    $4,
    $5,
    $6,
    DEFAULT,
    DEFAULT,
    DEFAULT,
    $7,
    DEFAULT,
    DEFAULT,
    DEFAULT
  )
RETURNING
  "id",
  "position",
  "derived",
  "created_at",
  "updated_at";

-- PublicKeysRepository.setDerivedKey: a derived key
DELETE FROM "public_keys"
WHERE
  (
    "identity_id" = $1
    AND "derived" = $2
  );

DELETE FROM "public_keys"
WHERE
  (
    "identity_id" = $1
    AND "fingerprint_sha256" = $2
  );

INSERT INTO
  "public_keys" (
    "user_id",
    "identity_id",
    "name",
    "key_text",
    "key_type",
    "bits",
    "fingerprint_sha256",
    "fingerprint_md5",
    "comment",
    "expires_at",
    "last_used_at",
    "position",
    "derived",
    "created_at",
    "updated_at"
  )
VALUES
  (
    DEFAULT,
    $1,
    DEFAULT,
    $2,
    $3,
    $4,
    $5,
    $6,
    DEFAULT,
    DEFAULT,
    DEFAULT,
    $7,
    $8,
    DEFAULT,
    DEFAULT
  )
RETURNING
  "id",
  "position",
  "derived",
  "created_at",
  "updated_at";
