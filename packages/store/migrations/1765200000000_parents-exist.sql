-- Up Migration

-- No document names a parent that has no document (CONTRACT §4.8): a delete racing the create of a child, or a
-- delete from before heirs were checked, could leave one, and whoever created the parent next controlled the heir.
--
-- Existing data first. A document naming missing parents loses them; one left with neither a parent nor a governor
-- would be invalid and unrepairable, so it inherits from `/` instead (its governors can then repair it). Each
-- changed document gets a new seq and an update event, like any write, so that runtimes drop what they cached.
DO $$
DECLARE
  doc record;
  kept jsonb;
  governors jsonb;
  changed_seq bigint;
  has_root boolean := EXISTS (SELECT 1 FROM permissions WHERE subject = '/');
BEGIN
  FOR doc IN
    SELECT p.subject, p.data FROM permissions p
    WHERE EXISTS (
      SELECT 1 FROM permission_parents pp
      WHERE pp.subject = p.subject AND NOT EXISTS (SELECT 1 FROM permissions q WHERE q.subject = pp.parent)
    )
    ORDER BY p.subject
  LOOP
    SELECT coalesce(jsonb_agg(pp.parent ORDER BY pp.position), '[]'::jsonb) INTO kept
    FROM permission_parents pp
    WHERE pp.subject = doc.subject AND EXISTS (SELECT 1 FROM permissions q WHERE q.subject = pp.parent);
    governors := doc.data -> '_self' -> 'govern';
    IF jsonb_array_length(kept) = 0 AND has_root AND doc.subject <> '/'
       AND (governors IS NULL OR jsonb_typeof(governors) <> 'array' OR jsonb_array_length(governors) = 0) THEN
      kept := '["/"]'::jsonb;
    END IF;

    DELETE FROM permission_parents pp
    WHERE pp.subject = doc.subject AND NOT EXISTS (SELECT 1 FROM permissions q WHERE q.subject = pp.parent);
    INSERT INTO permission_parents (subject, parent, position)
    SELECT doc.subject, kept ->> 0, 1 WHERE kept = '["/"]'::jsonb
    ON CONFLICT (subject, parent) DO NOTHING;

    changed_seq := nextval('events_seq_seq');
    UPDATE permissions SET seq = changed_seq, data = jsonb_set(data, '{_inheritsPermissionsOf}', kept)
    WHERE subject = doc.subject;
    INSERT INTO events (seq, topic, action, subject) VALUES (changed_seq, 'permissions', 'update', doc.subject);
  END LOOP;
END
$$;

-- Then the rule itself. Deferred to commit, so that one transaction may write a parent after its child (a bulk
-- write, an org import) or delete a parent together with its heirs; it is checked against what the transaction
-- leaves behind, and a delete of a parent waits for (and then fails on) a child still being created.
ALTER TABLE permission_parents
  ADD CONSTRAINT permission_parents_parent_fkey FOREIGN KEY (parent) REFERENCES permissions (subject)
  DEFERRABLE INITIALLY DEFERRED;

-- Down Migration

ALTER TABLE permission_parents DROP CONSTRAINT permission_parents_parent_fkey;
