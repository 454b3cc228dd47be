-- Up Migration

-- One schema for all four services. Documents and teams keep their JSON exactly as written in `data`; the
-- hierarchy, sharing and membership facts that queries search by are copied into narrow indexed tables in the same
-- transaction, so every hot query is an index lookup instead of a scan over JSON (reference §12 had GIN-only access
-- and no index at all on events: B19).

CREATE TABLE permissions (
  subject text PRIMARY KEY,
  -- seq of the event that last wrote the row; the ETag is e{seq}
  seq bigint NOT NULL,
  data jsonb NOT NULL
);

CREATE TABLE permission_parents (
  subject text NOT NULL REFERENCES permissions (subject) ON DELETE CASCADE,
  -- no foreign key: a parent may not exist (yet), and ancestors must report it as missing, not refuse the write
  parent text NOT NULL,
  position int NOT NULL,
  PRIMARY KEY (subject, parent)
);
-- heirs of a subject, and the downward walk of shared-with-and-heirs
CREATE INDEX permission_parents_parent_idx ON permission_parents (parent, subject);

CREATE TABLE permission_shared_with (
  subject text NOT NULL REFERENCES permissions (subject) ON DELETE CASCADE,
  principal text NOT NULL,
  PRIMARY KEY (subject, principal)
);
CREATE INDEX permission_shared_with_principal_idx ON permission_shared_with (principal, subject);

CREATE TABLE teams (
  id text PRIMARY KEY,
  seq bigint NOT NULL,
  data jsonb NOT NULL
);

CREATE TABLE team_members (
  team_id text NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
  principal text NOT NULL,
  PRIMARY KEY (team_id, principal)
);
-- teams of a principal (the actors of a user): one lookup per cache miss
CREATE INDEX team_members_principal_idx ON team_members (principal, team_id);

-- Events are invalidation hints numbered by the sequence; a rolled-back write leaves a hole that listeners wait for
-- and then skip (CONTRACT §4.4).
CREATE TABLE events (
  seq bigserial PRIMARY KEY,
  topic text NOT NULL CHECK (topic IN ('permissions', 'teams')),
  action text NOT NULL CHECK (action IN ('create', 'update', 'delete')),
  subject text NOT NULL,
  -- teams only: members before ∪ after, whose actor lists may have changed
  members text[] NOT NULL DEFAULT '{}',
  -- clock_timestamp, not now(): a hole's age is measured against it, and now() is the (older) transaction start
  created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  data jsonb NOT NULL DEFAULT '{}'
);
-- retention: garbage collection deletes by age
CREATE INDEX events_created_at_idx ON events (created_at);

-- runtimes that want broadcasts; rows not renewed for a while are removed
CREATE TABLE listeners (
  url text PRIMARY KEY,
  renewed_at timestamptz NOT NULL DEFAULT clock_timestamp()
);

-- org imports from the legacy RBAC system; the lease makes a concurrent second import wait or give up
CREATE TABLE migrations (
  org_url text PRIMARY KEY,
  lease_owner text,
  lease_expires_at timestamptz,
  started_at timestamptz,
  finished_at timestamptz,
  data jsonb NOT NULL DEFAULT '{}'
);

-- Down Migration

DROP TABLE migrations;
DROP TABLE listeners;
DROP TABLE events;
DROP TABLE team_members;
DROP TABLE teams;
DROP TABLE permission_shared_with;
DROP TABLE permission_parents;
DROP TABLE permissions;
