-- Up Migration

-- Authority (CONTRACT §4.8). Every permissions document gets an identity, its incarnation: the seq of the event that
-- created it, kept in `_metadata.incarnation`. A team's roles are bound to the incarnation of each base's document
-- they were granted on (`rolesGrantedOn` in the team), so deleting the document ends them and a document created
-- later at the same subject never revives them. `_metadata.namespace` marks the documents the authority over `/`
-- handed out; only they decide for resources without a document.

-- Existing documents: their last write's seq is unique and never reused, so it serves as their incarnation.
UPDATE permissions
SET data = jsonb_set(
  data,
  '{_metadata}',
  CASE WHEN jsonb_typeof(data->'_metadata') = 'object' THEN data->'_metadata' ELSE '{}'::jsonb END
    || jsonb_build_object('incarnation', seq)
);

-- Existing namespaces, as far as the data tells: documents with no parent but `/`, at a subject that can be one,
-- created by a principal who governs `/` directly, and the org documents of completed legacy imports.
UPDATE permissions p
SET data = jsonb_set(p.data, '{_metadata,namespace}', 'true'::jsonb)
WHERE p.subject <> '/'
  AND right(p.subject, 1) <> '/'
  AND p.subject NOT LIKE '/az-tm-%'
  AND NOT EXISTS (SELECT 1 FROM permission_parents pp WHERE pp.subject = p.subject AND pp.parent <> '/')
  AND (
    p.data->'_metadata'->>'creator' IN (
      SELECT jsonb_array_elements_text(r.data->'_self'->'govern')
      FROM permissions r
      WHERE r.subject = '/' AND jsonb_typeof(r.data->'_self'->'govern') = 'array'
    )
    OR p.subject IN (SELECT org_url FROM migrations WHERE finished_at IS NOT NULL)
  );

-- Existing roles are bound to the documents their bases have now (a base without a document binds nothing: its
-- roles decide nothing, as they would not under the rules above).
UPDATE teams t
SET data = t.data || jsonb_build_object('rolesGrantedOn', grants.bound)
FROM (
  SELECT named.id, jsonb_object_agg(named.base, p.data->'_metadata'->'incarnation') AS bound
  FROM (
    SELECT DISTINCT t2.id, coalesce(nullif(rtrim(k.base, '/'), ''), '/') AS base
    FROM teams t2
    CROSS JOIN LATERAL jsonb_object_keys(
      CASE WHEN jsonb_typeof(t2.data->'roles') = 'object' THEN t2.data->'roles' ELSE '{}'::jsonb END
    ) AS k (base)
  ) named
  JOIN permissions p ON p.subject = named.base
  GROUP BY named.id
) grants
WHERE grants.id = t.id;

-- The identity marks are the database's: set on insert (`namespace` as the server's create decided it), kept on
-- every update whatever a writer sends, so no client and no code path can give a document another identity.
CREATE FUNCTION permissions_keep_identity() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  metadata jsonb := CASE
    WHEN jsonb_typeof(NEW.data->'_metadata') = 'object' THEN NEW.data->'_metadata' ELSE '{}'::jsonb
  END;
  marks jsonb;
BEGIN
  IF TG_OP = 'INSERT' THEN
    marks := jsonb_build_object('incarnation', NEW.seq);
    IF metadata->'namespace' = 'true'::jsonb THEN
      marks := marks || '{"namespace": true}'::jsonb;
    END IF;
  ELSE
    marks := jsonb_strip_nulls(jsonb_build_object(
      'incarnation', OLD.data->'_metadata'->'incarnation',
      'namespace', OLD.data->'_metadata'->'namespace'
    ));
  END IF;
  NEW.data := jsonb_set(NEW.data, '{_metadata}', (metadata - 'incarnation' - 'namespace') || marks);
  RETURN NEW;
END
$$;

CREATE TRIGGER permissions_keep_identity
BEFORE INSERT OR UPDATE ON permissions
FOR EACH ROW EXECUTE FUNCTION permissions_keep_identity();

-- Teams holding roles on a base (GET /az-roles): `data->'rolesGrantedOn' ? base`.
CREATE INDEX teams_roles_granted_on_idx ON teams USING gin ((data->'rolesGrantedOn'));

-- Documents at or under a URL (a legacy org's squats, removed by its first import): a range of subjects in byte
-- order, whatever the database's collation. An expression index, so that it never competes with the primary key.
CREATE INDEX permissions_subject_bytes_idx ON permissions ((subject COLLATE "C"));

-- The namespaces, for their governors' listing (GET /az-namespaces).
CREATE INDEX permissions_namespaces_idx ON permissions (subject) WHERE (data->'_metadata'->'namespace') = 'true'::jsonb;

-- The re-migration scheduler's round: completed imports by age (packages/store/src/migration-leases.ts).
CREATE INDEX migrations_due_idx ON migrations (finished_at);

-- Down Migration

DROP INDEX migrations_due_idx;
DROP INDEX permissions_namespaces_idx;
DROP INDEX permissions_subject_bytes_idx;
DROP INDEX teams_roles_granted_on_idx;
DROP TRIGGER permissions_keep_identity ON permissions;
DROP FUNCTION permissions_keep_identity();
