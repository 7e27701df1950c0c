-- Written by `npm run sql:sync` from the @GenerateSql examples in src/auth/credentials.repository.ts; do not edit.

-- CredentialsRepository.insertSession: a new session
INSERT INTO
  "sessions" (
    "id",
    "user_id",
    "token_hash",
    "ip",
    "user_agent",
    "created_at",
    "last_activity_at"
  )
VALUES
  (DEFAULT, $1, $2, $3, $4, DEFAULT, DEFAULT)
RETURNING
  "id",
  "created_at",
  "last_activity_at";

UPDATE "sessions"
SET
  "token_hash" = $1
WHERE
  "id" = $2;

-- CredentialsRepository.insertApiToken: a new token
INSERT INTO
  "api_tokens" (
    "id",
    "user_id",
    "organization_id",
    "name",
    "description",
    "token_hash",
    "permissions",
    "expires_at",
    "last_used_at",
    "created_at"
  )
VALUES
  (
    DEFAULT,
    $1,
    DEFAULT,
    $2,
    DEFAULT,
    $3,
    $4,
    DEFAULT,
    DEFAULT,
    DEFAULT
  )
RETURNING
  "id",
  "created_at";

UPDATE "api_tokens"
SET
  "token_hash" = $1
WHERE
  "id" = $2;

-- CredentialsRepository.deleteSessionByTokenHash: logout
DELETE FROM "sessions"
WHERE
  "token_hash" = $1;

-- CredentialsRepository.deleteSession: one of the user's sessions
DELETE FROM "sessions"
WHERE
  (
    "id" = $1
    AND "user_id" = $2
  );

-- CredentialsRepository.deleteApiToken: one of the user's tokens
DELETE FROM "api_tokens"
WHERE
  (
    "id" = $1
    AND "user_id" = $2
  );

-- CredentialsRepository.expireSession: by id
DELETE FROM "sessions"
WHERE
  "id" = $1;

-- CredentialsRepository.listSessions: a user's sessions
SELECT
  "Session"."id" AS "Session_id",
  "Session"."user_id" AS "Session_user_id",
  "Session"."ip" AS "Session_ip",
  "Session"."user_agent" AS "Session_user_agent",
  "Session"."created_at" AS "Session_created_at",
  "Session"."last_activity_at" AS "Session_last_activity_at"
FROM
  "sessions" "Session"
WHERE
  (("Session"."user_id" = $1))
ORDER BY
  "Session"."last_activity_at" DESC;

-- CredentialsRepository.listApiTokens: a user's tokens
SELECT
  "ApiToken"."id" AS "ApiToken_id",
  "ApiToken"."user_id" AS "ApiToken_user_id",
  "ApiToken"."organization_id" AS "ApiToken_organization_id",
  "ApiToken"."name" AS "ApiToken_name",
  "ApiToken"."description" AS "ApiToken_description",
  "ApiToken"."permissions" AS "ApiToken_permissions",
  "ApiToken"."expires_at" AS "ApiToken_expires_at",
  "ApiToken"."last_used_at" AS "ApiToken_last_used_at",
  "ApiToken"."created_at" AS "ApiToken_created_at"
FROM
  "api_tokens" "ApiToken"
WHERE
  (("ApiToken"."user_id" = $1))
ORDER BY
  "ApiToken"."created_at" ASC;

-- CredentialsRepository.touchSession: activity
UPDATE "sessions"
SET
  "last_activity_at" = $1,
  "ip" = $2
WHERE
  "id" = $3;

-- CredentialsRepository.touchApiToken: use
UPDATE "api_tokens"
SET
  "last_used_at" = $1
WHERE
  "id" = $2;

-- CredentialsRepository.withUser: a session (every request)
SELECT
  c.id,
  c.user_id,
  c.token_hash,
  c.ip,
  floor(
    extract(
      epoch
      FROM
        c.last_activity_at
    ) * 1000
  )::float8 AS last_activity_at,
  floor(
    extract(
      epoch
      FROM
        c.created_at
    ) * 1000
  )::float8 AS created_at,
  u.login AS u_login,
  u.is_admin AS u_is_admin,
  u.permissions AS u_permissions,
  u.disabled AS u_disabled
FROM
  sessions c
  JOIN users u ON u.id = c.user_id
WHERE
  c.id = $1;

-- CredentialsRepository.withUser: an API token (every request)
SELECT
  c.id,
  c.user_id,
  c.token_hash,
  floor(
    extract(
      epoch
      FROM
        c.last_used_at
    ) * 1000
  )::float8 AS last_used_at,
  floor(
    extract(
      epoch
      FROM
        c.expires_at
    ) * 1000
  )::float8 AS expires_at,
  c.permissions,
  c.organization_id,
  u.login AS u_login,
  u.is_admin AS u_is_admin,
  u.permissions AS u_permissions,
  u.disabled AS u_disabled
FROM
  api_tokens c
  JOIN users u ON u.id = c.user_id
WHERE
  c.id = $1;
