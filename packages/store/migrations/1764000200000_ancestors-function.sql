-- Up Migration

-- The ancestor walk of every cache miss (packages/store/src/ancestors.ts, ANCESTORS_WITH_DOCUMENTS_SQL, verbatim).
-- On tables of a few thousand rows the planner hashes a sequential scan of permission_parents at EVERY recursion
-- step (0.3 ms a level); the SET clauses make each step an index probe whatever the table size. A SQL function
-- with SET clauses is planned at call time under those settings, and only this query is affected.
CREATE FUNCTION permission_ancestors(subjects text[])
RETURNS TABLE (subject text, seq bigint, data jsonb)
LANGUAGE sql STABLE
SET enable_hashjoin = off
SET enable_mergejoin = off
SET enable_seqscan = off
AS $$
  WITH RECURSIVE reached (subject) AS (
    SELECT unnest(subjects)
    UNION
    SELECT pp.parent FROM permission_parents pp JOIN reached r ON pp.subject = r.subject
  )
  SELECT r.subject, p.seq, p.data
  FROM reached r LEFT JOIN permissions p ON p.subject = r.subject
$$;

-- Down Migration

DROP FUNCTION permission_ancestors(text[]);
