-- Up Migration

-- Removing a principal from every document (POST /az-principals-removal) finds the documents that name it in any
-- action map: `_self`, `_permissionsHeirs` and every custom property that is an object (packages/model
-- action-maps.ts). permission_shared_with indexes `_self` only, so the principals of every action map are indexed
-- here, through an immutable function of the row's JSON: writers need no change, and no table can drift from it.
CREATE FUNCTION permission_principals(data jsonb) RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT coalesce(array_agg(DISTINCT entry.value), '{}'::text[])
  FROM jsonb_each(CASE WHEN jsonb_typeof(data) = 'object' THEN data ELSE '{}'::jsonb END) AS property (name, map)
  CROSS JOIN LATERAL jsonb_each(
    CASE WHEN jsonb_typeof(property.map) = 'object' THEN property.map ELSE '{}'::jsonb END
  ) AS action (name, list)
  CROSS JOIN LATERAL jsonb_array_elements(
    CASE WHEN jsonb_typeof(action.list) = 'array' THEN action.list ELSE '[]'::jsonb END
  ) AS listed (element)
  CROSS JOIN LATERAL (SELECT listed.element #>> '{}' AS value) AS entry
  WHERE (property.name IN ('_self', '_permissionsHeirs') OR left(property.name, 1) <> '_')
    AND jsonb_typeof(listed.element) = 'string'
$$;

CREATE INDEX permissions_principals_idx ON permissions USING gin (permission_principals(data));

-- Down Migration

DROP INDEX permissions_principals_idx;
DROP FUNCTION permission_principals(jsonb);
