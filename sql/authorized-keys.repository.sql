-- Written by `npm run sql:sync` from the @GenerateSql examples in src/keys/authorized-keys.repository.ts; do not edit.

-- AuthorizedKeysRepository.personalKeys: by login
SELECT
  k.id,
  k.key_type,
  k.key_text,
  k.bits,
  k.fingerprint_sha256,
  'personal' AS source
FROM
  public_keys k
  JOIN users u ON u.id = k.user_id
WHERE
  k.identity_id IS NULL
  AND lower(u.login) = lower($1)
  AND NOT u.disabled
  AND (
    k.expires_at IS NULL
    OR k.expires_at > now()
  )
  AND TRUE
ORDER BY
  k.id;

-- AuthorizedKeysRepository.forLogin: a host token
SELECT
  k.id,
  k.key_type,
  k.key_text,
  k.bits,
  k.fingerprint_sha256,
  'personal' AS source
FROM
  public_keys k
  JOIN users u ON u.id = k.user_id
WHERE
  k.identity_id IS NULL
  AND lower(u.login) = lower($1)
  AND NOT u.disabled
  AND (
    k.expires_at IS NULL
    OR k.expires_at > now()
  )
  AND TRUE
UNION ALL
SELECT
  k.id,
  k.key_type,
  k.key_text,
  k.bits,
  k.fingerprint_sha256,
  'identity' AS source
FROM
  public_keys k
  JOIN identities i ON i.id = k.identity_id
WHERE
  i.username = $1
  AND (
    k.expires_at IS NULL
    OR k.expires_at > now()
  )
  AND (
    i.owner_user_id = $2
    OR i.organization_id IN (
      SELECT
        m.organization_id
      FROM
        organization_members m
      WHERE
        m.user_id = $2
        AND m.status = 'active'
    )
  )
  AND (
    NOT COALESCE(
      (i.restrictions #>> '{projects,enabled}')::boolean,
      FALSE
    )
    OR (
      CAST($3 AS text) IS NOT NULL
      AND COALESCE(i.restrictions #> '{projects,items}', '[]'::jsonb) ? CAST($3 AS text)
    )
  )
  AND (
    NOT COALESCE(
      (i.restrictions #>> '{tags,enabled}')::boolean,
      FALSE
    )
    OR (
      COALESCE(i.restrictions #>> '{tags,matchCondition}', 'or') = 'and'
      AND COALESCE(i.restrictions #> '{tags,items}', '[]'::jsonb) <@ to_jsonb(CAST($4 AS TEXT[]))
    )
    OR (
      COALESCE(i.restrictions #>> '{tags,matchCondition}', 'or') <> 'and'
      AND jsonb_exists_any (
        COALESCE(i.restrictions #> '{tags,items}', '[]'::jsonb),
        CAST($4 AS TEXT[])
      )
    )
  )
ORDER BY
  source DESC,
  id;

-- AuthorizedKeysRepository.forLogin: a host token bound to an organization
SELECT
  k.id,
  k.key_type,
  k.key_text,
  k.bits,
  k.fingerprint_sha256,
  'personal' AS source
FROM
  public_keys k
  JOIN users u ON u.id = k.user_id
WHERE
  k.identity_id IS NULL
  AND lower(u.login) = lower($1)
  AND NOT u.disabled
  AND (
    k.expires_at IS NULL
    OR k.expires_at > now()
  )
  AND EXISTS (
    SELECT
      1
    FROM
      organization_members m
    WHERE
      m.organization_id = $5
      AND m.user_id = u.id
      AND m.status = 'active'
  )
UNION ALL
SELECT
  k.id,
  k.key_type,
  k.key_text,
  k.bits,
  k.fingerprint_sha256,
  'identity' AS source
FROM
  public_keys k
  JOIN identities i ON i.id = k.identity_id
WHERE
  i.username = $1
  AND (
    k.expires_at IS NULL
    OR k.expires_at > now()
  )
  AND (
    i.organization_id = $5
    AND EXISTS (
      SELECT
        1
      FROM
        organization_members m
      WHERE
        m.organization_id = $5
        AND m.user_id = $2
        AND m.status = 'active'
    )
  )
  AND (
    NOT COALESCE(
      (i.restrictions #>> '{projects,enabled}')::boolean,
      FALSE
    )
    OR (
      CAST($3 AS text) IS NOT NULL
      AND COALESCE(i.restrictions #> '{projects,items}', '[]'::jsonb) ? CAST($3 AS text)
    )
  )
  AND (
    NOT COALESCE(
      (i.restrictions #>> '{tags,enabled}')::boolean,
      FALSE
    )
    OR (
      COALESCE(i.restrictions #>> '{tags,matchCondition}', 'or') = 'and'
      AND COALESCE(i.restrictions #> '{tags,items}', '[]'::jsonb) <@ to_jsonb(CAST($4 AS TEXT[]))
    )
    OR (
      COALESCE(i.restrictions #>> '{tags,matchCondition}', 'or') <> 'and'
      AND jsonb_exists_any (
        COALESCE(i.restrictions #> '{tags,items}', '[]'::jsonb),
        CAST($4 AS TEXT[])
      )
    )
  )
ORDER BY
  source DESC,
  id;

-- AuthorizedKeysRepository.markUsed: keys just offered
UPDATE public_keys
SET
  last_used_at = now()
WHERE
  id = ANY ($1::INT[])
  AND (
    last_used_at IS NULL
    OR last_used_at < now() - interval '1 minute'
  );
