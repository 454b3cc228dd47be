import type { Queryable } from './pool';
import { toStoredDocument, toStoredTeam, type DocumentRow, type TeamRow } from './rows';
import type { StoredDocument, StoredTeam } from './types';

// Reads of the authority rules (CONTRACT §4.8): who holds roles on a base, what lies under a URL, the namespaces.

/** Teams whose roles were granted on `base` (canonical), served by teams_roles_granted_on_idx. */
export const TEAMS_WITH_ROLES_ON_SQL = `
  SELECT id, seq, data FROM teams WHERE data->'rolesGrantedOn' ? $1 ORDER BY id COLLATE "C"`;

export async function getTeamsWithRolesOn(db: Queryable, base: string): Promise<StoredTeam[]> {
  const { rows } = await db.query<TeamRow>(TEAMS_WITH_ROLES_ON_SQL, [base]);
  return rows.map(toStoredTeam);
}

/**
 * The subject itself and every subject that continues it after a `/`, served by the primary key and
 * permissions_subject_bytes_idx: in the "C" collation subjects compare as bytes, and `0` follows `/`.
 */
export const SUBJECTS_AT_OR_UNDER_SQL = `
  SELECT subject FROM (
    SELECT subject FROM permissions WHERE subject = $1::text
    UNION ALL
    SELECT subject FROM permissions
    WHERE (subject COLLATE "C") >= ($1::text || '/') AND (subject COLLATE "C") < ($1::text || '0')
  ) found
  ORDER BY subject COLLATE "C"`;

export async function getSubjectsAtOrUnder(db: Queryable, root: string): Promise<string[]> {
  const { rows } = await db.query<{ subject: string }>(SUBJECTS_AT_OR_UNDER_SQL, [root]);
  return rows.map((row) => row.subject);
}

/** Namespace documents after `after` in subject order, served by permissions_namespaces_idx. */
export const NAMESPACES_SQL = `
  SELECT subject, seq, data FROM permissions
  WHERE (data->'_metadata'->'namespace') = 'true'::jsonb AND subject > $1
  ORDER BY subject
  LIMIT $2`;

export async function getNamespaces(db: Queryable, after: string, limit: number): Promise<StoredDocument[]> {
  const { rows } = await db.query<DocumentRow>(NAMESPACES_SQL, [after, limit]);
  return rows.map(toStoredDocument);
}
