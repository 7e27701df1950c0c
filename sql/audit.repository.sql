-- Written by `npm run sql:sync` from the @GenerateSql examples in src/audit/audit.repository.ts; do not edit.

-- AuditRepository.list: personal and organizations, by action
SELECT
  "e"."id" AS "e_id",
  "e"."actor_user_id" AS "e_actor_user_id",
  "e"."organization_id" AS "e_organization_id",
  "e"."action" AS "e_action",
  "e"."resource" AS "e_resource",
  "e"."resource_id" AS "e_resource_id",
  "e"."resource_name" AS "e_resource_name",
  "e"."ip" AS "e_ip",
  "e"."user_agent" AS "e_user_agent",
  "e"."details" AS "e_details",
  "e"."created_at" AS "e_created_at"
FROM
  "audit_events" "e"
WHERE
  (
    (
      "e"."organization_id" IS NULL
      AND "e"."actor_user_id" = $1
    )
    OR "e"."organization_id" = ANY ($2::INT[])
  )
  AND "e"."action" LIKE $3
ORDER BY
  "e"."created_at" DESC,
  "e"."id" DESC
LIMIT
  50
OFFSET
  0;

-- AuditRepository.list: one organization's, in a period
SELECT
  "e"."id" AS "e_id",
  "e"."actor_user_id" AS "e_actor_user_id",
  "e"."organization_id" AS "e_organization_id",
  "e"."action" AS "e_action",
  "e"."resource" AS "e_resource",
  "e"."resource_id" AS "e_resource_id",
  "e"."resource_name" AS "e_resource_name",
  "e"."ip" AS "e_ip",
  "e"."user_agent" AS "e_user_agent",
  "e"."details" AS "e_details",
  "e"."created_at" AS "e_created_at"
FROM
  "audit_events" "e"
WHERE
  "e"."organization_id" = $1
  AND "e"."created_at" >= $2
  AND "e"."created_at" <= $3
ORDER BY
  "e"."created_at" DESC,
  "e"."id" DESC
LIMIT
  50
OFFSET
  0;
