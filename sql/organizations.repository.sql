-- Written by `npm run sql:sync` from the @GenerateSql examples in src/organizations/organizations.repository.ts; do not edit.

-- OrganizationsRepository.findBySlug: by slug
SELECT
  "Organization"."id" AS "Organization_id",
  "Organization"."slug" AS "Organization_slug",
  "Organization"."name" AS "Organization_name",
  "Organization"."description" AS "Organization_description",
  "Organization"."created_at" AS "Organization_created_at",
  "Organization"."updated_at" AS "Organization_updated_at"
FROM
  "organizations" "Organization"
WHERE
  (("Organization"."slug" = $1))
LIMIT
  1;

-- OrganizationsRepository.activeMembersAmong: two users
SELECT
  "Membership"."user_id" AS "Membership_user_id",
  "Membership"."organization_id" AS "Membership_organization_id"
FROM
  "organization_members" "Membership"
WHERE
  (
    ("Membership"."organization_id" = $1)
    AND ("Membership"."user_id" IN ($2, $3))
    AND ("Membership"."status" = $4)
  );

-- OrganizationsRepository.membership: one member
SELECT
  "Membership"."organization_id" AS "Membership_organization_id",
  "Membership"."user_id" AS "Membership_user_id",
  "Membership"."role" AS "Membership_role",
  "Membership"."status" AS "Membership_status",
  "Membership"."permissions" AS "Membership_permissions",
  "Membership"."invited_by" AS "Membership_invited_by",
  "Membership"."created_at" AS "Membership_created_at",
  "Membership"."updated_at" AS "Membership_updated_at"
FROM
  "organization_members" "Membership"
WHERE
  (
    ("Membership"."organization_id" = $1)
    AND ("Membership"."user_id" = $2)
  )
LIMIT
  1;

-- OrganizationsRepository.lockMembership: in a transaction
SELECT
  "m"."organization_id" AS "m_organization_id",
  "m"."user_id" AS "m_user_id",
  "m"."role" AS "m_role",
  "m"."status" AS "m_status",
  "m"."permissions" AS "m_permissions",
  "m"."invited_by" AS "m_invited_by",
  "m"."created_at" AS "m_created_at",
  "m"."updated_at" AS "m_updated_at"
FROM
  "organization_members" "m"
WHERE
  "m"."organization_id" = $1
  AND "m"."user_id" = $2
FOR UPDATE;
