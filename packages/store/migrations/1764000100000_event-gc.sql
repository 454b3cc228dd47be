-- Up Migration

-- The highest event seq that garbage collection has deleted (owned by packages/events). A listener whose watermark
-- is below it has lost events it needed and must drop its caches; nothing else may make it do so, least of all a
-- hole left by a rolled-back write (reference B16). One row, updated in the same statement as each delete, so the
-- mark and the deleted events never disagree.
CREATE TABLE event_gc (
  singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  max_deleted_seq bigint NOT NULL DEFAULT 0
);
INSERT INTO event_gc DEFAULT VALUES;

-- Down Migration

DROP TABLE event_gc;
