-- Written by `npm run sql:sync` from the @GenerateSql examples in src/users/users.repository.ts; do not edit.

-- UsersRepository.findById: by id
SELECT
  "User"."id" AS "User_id",
  "User"."login" AS "User_login",
  "User"."email" AS "User_email",
  "User"."first_name" AS "User_first_name",
  "User"."last_name" AS "User_last_name",
  "User"."is_admin" AS "User_is_admin",
  "User"."permissions" AS "User_permissions",
  "User"."disabled" AS "User_disabled",
  "User"."created_at" AS "User_created_at",
  "User"."updated_at" AS "User_updated_at"
FROM
  "users" "User"
WHERE
  (("User"."id" = $1))
LIMIT
  1;

-- UsersRepository.findByLogin: by login
SELECT
  "u"."id" AS "u_id",
  "u"."login" AS "u_login",
  "u"."email" AS "u_email",
  "u"."first_name" AS "u_first_name",
  "u"."last_name" AS "u_last_name",
  "u"."is_admin" AS "u_is_admin",
  "u"."permissions" AS "u_permissions",
  "u"."disabled" AS "u_disabled",
  "u"."created_at" AS "u_created_at",
  "u"."updated_at" AS "u_updated_at"
FROM
  "users" "u"
WHERE
  lower("u"."login") = lower($1);

-- UsersRepository.findWithPasswordHash: by login
SELECT
  "u"."id" AS "u_id",
  "u"."login" AS "u_login",
  "u"."email" AS "u_email",
  "u"."first_name" AS "u_first_name",
  "u"."last_name" AS "u_last_name",
  "u"."is_admin" AS "u_is_admin",
  "u"."permissions" AS "u_permissions",
  "u"."disabled" AS "u_disabled",
  "u"."created_at" AS "u_created_at",
  "u"."updated_at" AS "u_updated_at",
  "u"."password_hash" AS "u_password_hash"
FROM
  "users" "u"
WHERE
  lower("u"."login") = lower($1);

-- UsersRepository.page: a search
SELECT
  "u"."id" AS "u_id",
  "u"."login" AS "u_login",
  "u"."email" AS "u_email",
  "u"."first_name" AS "u_first_name",
  "u"."last_name" AS "u_last_name",
  "u"."is_admin" AS "u_is_admin",
  "u"."permissions" AS "u_permissions",
  "u"."disabled" AS "u_disabled",
  "u"."created_at" AS "u_created_at",
  "u"."updated_at" AS "u_updated_at"
FROM
  "users" "u"
WHERE
  (
    "u"."login" ILIKE $1
    OR "u"."first_name" ILIKE $1
    OR "u"."last_name" ILIKE $1
  )
ORDER BY
  "u"."id" DESC
LIMIT
  25
OFFSET
  0;

-- UsersRepository.list: a member by login, seen by themself
SELECT
  "u"."id" AS "u_id",
  "u"."login" AS "u_login",
  "u"."email" AS "u_email",
  "u"."first_name" AS "u_first_name",
  "u"."last_name" AS "u_last_name",
  "u"."is_admin" AS "u_is_admin",
  "u"."permissions" AS "u_permissions",
  "u"."disabled" AS "u_disabled",
  "u"."created_at" AS "u_created_at",
  "u"."updated_at" AS "u_updated_at"
FROM
  "users" "u"
WHERE
  "u"."id" = $1
  AND lower("u"."login") = lower($2)
  AND EXISTS (
    SELECT
      1
    FROM
      organization_members m
    WHERE
      m.user_id = "u"."id"
      AND m.organization_id = $3
      AND m.status = 'active'
  )
ORDER BY
  "u"."id" ASC;
