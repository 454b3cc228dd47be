import type { Queryable } from './pool';
import { toStoredTeam, type TeamRow } from './rows';
import type { StoredTeam } from './types';

// Reads and locks of the set-based writes (bulk import, removing a principal): one statement for many subjects.

/**
 * `HEIRS_DEPTH_SQL` from many roots at once: the walk down permission_parents_parent_idx keeps the root it started
 * from. UNION over (root, subject, depth) keeps a diamond from multiplying rows and a cycle from running past `$2`.
 */
export const HEIRS_DEPTHS_SQL = `
  WITH RECURSIVE below (root, subject, depth) AS (
    SELECT parent, subject, 1 FROM permission_parents WHERE parent = ANY($1::text[])
    UNION
    SELECT b.root, pp.subject, b.depth + 1 FROM permission_parents pp JOIN below b ON pp.parent = b.subject
    WHERE b.depth < $2
  )
  SELECT root, max(depth)::int AS depth FROM below GROUP BY root`;

export async function getHeirsDepths(db: Queryable, subjects: string[], limit: number): Promise<Map<string, number>> {
  const depths = new Map<string, number>(subjects.map((subject) => [subject, 0]));
  if (subjects.length === 0) return depths;
  const { rows } = await db.query<{ root: string; depth: number }>(HEIRS_DEPTHS_SQL, [subjects, limit]);
  for (const row of rows) depths.set(row.root, row.depth);
  return depths;
}

/**
 * Documents naming a principal in any action map, served by permissions_principals_idx (migration
 * 1765300000000_principal-index.sql): the expression must be written exactly as the index's.
 */
export const SUBJECTS_NAMING_PRINCIPAL_SQL = `
  SELECT subject FROM permissions WHERE permission_principals(data) @> ARRAY[$1::text]
  ORDER BY subject COLLATE "C" LIMIT $2`;

export async function getSubjectsNamingPrincipal(db: Queryable, principal: string, limit: number): Promise<string[]> {
  const { rows } = await db.query<{ subject: string }>(SUBJECTS_NAMING_PRINCIPAL_SQL, [principal, limit]);
  return rows.map((row) => row.subject);
}

/** Teams locked for update in id order ("C"), as documents are: writers lock in one order. */
export const LOCK_TEAMS_UPDATE_SQL = `
  SELECT id, seq, data FROM teams WHERE id = ANY($1::text[]) ORDER BY id COLLATE "C" FOR UPDATE`;

export async function lockTeamsForUpdate(db: Queryable, ids: string[]): Promise<Map<string, StoredTeam>> {
  const found = new Map<string, StoredTeam>();
  if (ids.length === 0) return found;
  const { rows } = await db.query<TeamRow>(LOCK_TEAMS_UPDATE_SQL, [ids]);
  for (const row of rows) found.set(row.id, toStoredTeam(row));
  return found;
}
