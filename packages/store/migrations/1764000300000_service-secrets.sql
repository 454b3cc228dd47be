-- Up Migration

-- Secrets the processes sharing this database agree on when the environment gives none (EVENTS_SECRET): whoever
-- can read this table can rewrite every document anyway, so it adds no exposure.
CREATE TABLE service_secrets (
  name text PRIMARY KEY,
  value text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- Down Migration

DROP TABLE service_secrets;
