import type { Queryable } from './pool';
import { toStoredDocument, type DocumentRow } from './rows';
import type { StoredDocument } from './types';

/**
 * The given subjects and every ancestor, with their documents, in one round trip (CONTRACT §4.3). The walk follows
 * permission_parents by its primary key (subject, parent). UNION, not UNION ALL, drops subjects already reached, which
 * ends the recursion on cycles. The LEFT JOIN keeps subjects that have no document (a dangling parent) as null rows.
 */
export const ANCESTORS_WITH_DOCUMENTS_SQL = `
  WITH RECURSIVE reached (subject) AS (
    SELECT unnest($1::text[])
    UNION
    SELECT pp.parent FROM permission_parents pp JOIN reached r ON pp.subject = r.subject
  )
  SELECT r.subject, p.seq, p.data
  FROM reached r LEFT JOIN permissions p ON p.subject = r.subject`;

/**
 * What the store runs: the same walk through the `permission_ancestors` function (migration
 * 1764000200000_ancestors-function.sql), whose planner settings keep every recursion step on the index.
 */
export const ANCESTORS_CALL_SQL = 'SELECT subject, seq, data FROM permission_ancestors($1::text[])';

type AncestorRow = { subject: string; seq: string | null; data: DocumentRow['data'] | null };

export async function getDocumentsWithAncestors(
  db: Queryable,
  subjects: string[],
): Promise<Map<string, StoredDocument | null>> {
  const found = new Map<string, StoredDocument | null>();
  if (subjects.length === 0) return found;
  const { rows } = await db.query<AncestorRow>(ANCESTORS_CALL_SQL, [subjects]);
  for (const row of rows) {
    found.set(
      row.subject,
      row.seq === null || row.data === null
        ? null
        : toStoredDocument({ subject: row.subject, seq: row.seq, data: row.data }),
    );
  }
  return found;
}
