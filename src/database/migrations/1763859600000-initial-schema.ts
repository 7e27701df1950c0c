import { MigrationInterface, QueryRunner } from 'typeorm';

/** The domain model shared by every dialect, with its rules enforced by PostgreSQL itself. */
export class InitialSchema1763859600000 implements MigrationInterface {
  name = 'InitialSchema1763859600000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE users (
        id            serial PRIMARY KEY,
        login         varchar(255) NOT NULL CHECK (char_length(login) BETWEEN 1 AND 255 AND login !~ '\\s'),
        email         varchar(255),
        first_name    varchar(255),
        last_name     varchar(255),
        password_hash text,
        is_admin      boolean NOT NULL DEFAULT false,
        permissions   text[] NOT NULL DEFAULT '{}',
        disabled      boolean NOT NULL DEFAULT false,
        created_at    timestamptz NOT NULL DEFAULT now(),
        updated_at    timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`CREATE UNIQUE INDEX users_login_unique ON users (lower(login))`);

    await db.query(`
      CREATE TABLE organizations (
        id          serial PRIMARY KEY,
        slug        varchar(39) NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
        name        varchar(100) NOT NULL CHECK (char_length(name) >= 1),
        description varchar(500),
        created_at  timestamptz NOT NULL DEFAULT now(),
        updated_at  timestamptz NOT NULL DEFAULT now()
      )`);

    await db.query(`
      CREATE TABLE organization_members (
        organization_id integer NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
        user_id         integer NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        role            varchar(16) NOT NULL CHECK (role IN ('owner', 'member')),
        status          varchar(16) NOT NULL CHECK (status IN ('pending', 'active')),
        permissions     text[] NOT NULL DEFAULT '{}',
        invited_by      integer REFERENCES users (id) ON DELETE SET NULL,
        created_at      timestamptz NOT NULL DEFAULT now(),
        updated_at      timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (organization_id, user_id),
        CHECK (role <> 'owner' OR status = 'active')
      )`);
    await db.query(`CREATE INDEX organization_members_user ON organization_members (user_id)`);

    await db.query(`
      CREATE TABLE identities (
        id                 serial PRIMARY KEY,
        slug               varchar(39) NOT NULL
                           CHECK (char_length(slug) >= 3 AND slug ~ '^[a-z](-?[a-z0-9]+(-[a-z0-9]+)*)?$'),
        name               varchar(255) NOT NULL CHECK (char_length(name) >= 1),
        description        varchar(500),
        username           varchar(255),
        type               varchar(16) NOT NULL CHECK (type IN ('password', 'ssh', 'both', 'password-only')),
        owner_user_id      integer REFERENCES users (id) ON DELETE CASCADE,
        organization_id    integer REFERENCES organizations (id) ON DELETE CASCADE,
        created_by         integer REFERENCES users (id) ON DELETE SET NULL,
        password_secret    bytea,
        private_key_secret bytea,
        passphrase_secret  bytea,
        restrictions       jsonb NOT NULL,
        created_at         timestamptz NOT NULL DEFAULT now(),
        updated_at         timestamptz NOT NULL DEFAULT now(),
        version            integer NOT NULL DEFAULT 1,
        CHECK (num_nonnulls(owner_user_id, organization_id) = 1),
        CHECK (jsonb_typeof(restrictions) = 'object')
      )`);
    await db.query(
      `CREATE UNIQUE INDEX identities_personal_slug ON identities (owner_user_id, slug) WHERE owner_user_id IS NOT NULL`,
    );
    await db.query(
      `CREATE UNIQUE INDEX identities_organization_slug ON identities (organization_id, slug) WHERE organization_id IS NOT NULL`,
    );

    await db.query(`
      CREATE TABLE public_keys (
        id                 serial PRIMARY KEY,
        user_id            integer REFERENCES users (id) ON DELETE CASCADE,
        identity_id        integer REFERENCES identities (id) ON DELETE CASCADE,
        name               varchar(255),
        key_text           text NOT NULL,
        key_type           varchar(64) NOT NULL,
        bits               integer NOT NULL CHECK (bits > 0),
        foreman_length     integer NOT NULL CHECK (foreman_length > 0),
        fingerprint_sha256 varchar(60) NOT NULL CHECK (fingerprint_sha256 ~ '^SHA256:[A-Za-z0-9+/]{43}$'),
        fingerprint_md5    varchar(60) NOT NULL,
        comment            text,
        position           integer NOT NULL DEFAULT 0,
        derived            boolean NOT NULL DEFAULT false,
        created_at         timestamptz NOT NULL DEFAULT now(),
        updated_at         timestamptz NOT NULL DEFAULT now(),
        CHECK (user_id IS NOT NULL OR identity_id IS NOT NULL),
        CHECK (NOT derived OR identity_id IS NOT NULL)
      )`);
    // A fingerprint is unique per owner scope: once among a user's personal keys, once inside each identity.
    await db.query(
      `CREATE UNIQUE INDEX public_keys_personal_fingerprint ON public_keys (user_id, fingerprint_sha256) WHERE identity_id IS NULL`,
    );
    await db.query(
      `CREATE UNIQUE INDEX public_keys_identity_fingerprint ON public_keys (identity_id, fingerprint_sha256) WHERE identity_id IS NOT NULL`,
    );
    await db.query(`CREATE INDEX public_keys_fingerprint ON public_keys (fingerprint_sha256)`);

    await db.query(`
      CREATE TABLE audit_events (
        id              bigserial PRIMARY KEY,
        actor_user_id   integer REFERENCES users (id) ON DELETE SET NULL,
        organization_id integer REFERENCES organizations (id) ON DELETE SET NULL,
        action          varchar(100) NOT NULL,
        resource        varchar(50) NOT NULL,
        resource_id     varchar(64),
        resource_name   varchar(255),
        ip              varchar(64),
        user_agent      text,
        details         jsonb NOT NULL DEFAULT '{}',
        created_at      timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`CREATE INDEX audit_events_organization ON audit_events (organization_id, created_at DESC)`);
    await db.query(`CREATE INDEX audit_events_actor ON audit_events (actor_user_id, created_at DESC)`);

    await db.query(`
      CREATE TABLE sessions (
        id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id          integer NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        token_hash       char(64) NOT NULL UNIQUE,
        ip               varchar(64),
        user_agent       text,
        created_at       timestamptz NOT NULL DEFAULT now(),
        last_activity_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`CREATE INDEX sessions_user ON sessions (user_id)`);

    await db.query(`
      CREATE TABLE api_tokens (
        id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id         integer NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        organization_id integer REFERENCES organizations (id) ON DELETE CASCADE,
        name            varchar(100) NOT NULL CHECK (char_length(name) >= 1),
        description     varchar(500),
        token_hash      char(64) NOT NULL UNIQUE,
        permissions     text[] NOT NULL,
        expires_at      timestamptz,
        last_used_at    timestamptz,
        created_at      timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`CREATE INDEX api_tokens_user ON api_tokens (user_id)`);
  }

  async down(db: QueryRunner): Promise<void> {
    for (const table of [
      'api_tokens',
      'sessions',
      'audit_events',
      'public_keys',
      'identities',
      'organization_members',
      'organizations',
      'users',
    ]) {
      await db.query(`DROP TABLE IF EXISTS ${table}`);
    }
  }
}
