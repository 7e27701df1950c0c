-- Written by `npm run sql:sync` from the @GenerateSql examples in src/limits/attempt-counters.repository.ts; do not edit.

-- AttemptCountersRepository.count: a password attempt: login and address
SELECT
  0 AS position,
  *
FROM
  sshid_count_attempt (
    $2,
    $3,
    $4::integer,
    $5::interval,
    $6::interval,
    $7::interval,
    $1::uuid
  )
UNION ALL
SELECT
  1 AS position,
  *
FROM
  sshid_count_attempt (
    $8,
    $9,
    $10::integer,
    $11::interval,
    $12::interval,
    $13::interval,
    $1::uuid
  );

-- AttemptCountersRepository.uncount: a correct password
SELECT
  sshid_uncount_attempt ($1, $2, $3::integer, $4::boolean),
  sshid_uncount_attempt ($5, $6, $7::integer, $8::boolean);

-- AttemptCountersRepository.sweep: hourly
DELETE FROM attempt_counters
WHERE
  window_started_at < now() - make_interval(secs => $1)
  AND (
    locked_until IS NULL
    OR locked_until < now()
  );
