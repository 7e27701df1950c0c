-- Written by `npm run sql:sync` from the @GenerateSql examples in src/auth/device-codes.repository.ts; do not edit.

-- DeviceCodesRepository.findByCode: a code
SELECT
  "d"."id" AS "d_id",
  "d"."code" AS "d_code",
  "d"."poll_token_hash" AS "d_poll_token_hash",
  "d"."client_type" AS "d_client_type",
  "d"."ip" AS "d_ip",
  "d"."user_agent" AS "d_user_agent",
  "d"."authorized_by" AS "d_authorized_by",
  "d"."expires_at" AS "d_expires_at",
  "d"."created_at" AS "d_created_at"
FROM
  "device_codes" "d"
WHERE
  "d"."code" = $1
  AND "d"."expires_at" > now();

-- DeviceCodesRepository.lockByPollTokenHash: in a transaction
SELECT
  "d"."id" AS "d_id",
  "d"."code" AS "d_code",
  "d"."poll_token_hash" AS "d_poll_token_hash",
  "d"."client_type" AS "d_client_type",
  "d"."ip" AS "d_ip",
  "d"."user_agent" AS "d_user_agent",
  "d"."authorized_by" AS "d_authorized_by",
  "d"."expires_at" AS "d_expires_at",
  "d"."created_at" AS "d_created_at",
  "d"."session_token_secret" AS "d_session_token_secret"
FROM
  "device_codes" "d"
WHERE
  "d"."poll_token_hash" = $1
  AND "d"."expires_at" > now()
FOR UPDATE;
