import { ConflictError } from '@permissions/model';
import { getDocumentsWithAncestors } from './ancestors';
import type { Queryable } from './pool';
import { toStoredDocument, type DocumentRow } from './rows';
import { getTeamsOfPrincipal } from './team-reads';
import type { StoredDocument, StoredTeam } from './types';

// Locks that make a write's checks hold at commit (CONTRACT §4.8). Writers take them in one order, teams before
// documents and each batch in subject order, so that two writers rarely wait for each other in a circle; when they
// do (two changes that would close an inheritance cycle), Postgres aborts one and the store runs it again, and the
// second run sees what the first committed.

/** Locking in "C" order within one statement: the LockRows node sits above the sort. */
export const LOCK_DOCUMENTS_SHARE_SQL = `
  SELECT subject FROM permissions WHERE subject = ANY($1::text[]) ORDER BY subject COLLATE "C" FOR SHARE`;

export const LOCK_DOCUMENTS_UPDATE_SQL = `
  SELECT subject, seq, data FROM permissions WHERE subject = ANY($1::text[]) ORDER BY subject COLLATE "C" FOR UPDATE`;

/** The first round walks the chain and locks what it reached in one statement. */
export const LOCK_CHAIN_SHARE_SQL = `
  SELECT subject FROM permissions
  WHERE subject IN (SELECT subject FROM permission_ancestors($1::text[]))
  ORDER BY subject COLLATE "C" FOR SHARE`;

/**
 * The first round locks the documents of the chain as the walk found them; each later one reads the chain again and
 * locks what it reaches that is not locked yet: a document changed between the walk and its lock may name other
 * parents. A chain is stable once a read, made after its documents were locked, reaches nothing new. Concurrent
 * changes can only add rounds; past this many, give up.
 */
const MAX_LOCK_ROUNDS = 16;

export async function lockDocumentsWithAncestors(
  db: Queryable,
  subjects: string[],
): Promise<Map<string, StoredDocument | null>> {
  const locked = new Set<string>();
  if (subjects.length === 0) return new Map();
  const first = await db.query<{ subject: string }>(LOCK_CHAIN_SHARE_SQL, [subjects]);
  for (const row of first.rows) locked.add(row.subject);
  for (let round = 0; round < MAX_LOCK_ROUNDS; round++) {
    const found = await getDocumentsWithAncestors(db, subjects);
    const unlocked = [...found].filter(([subject, stored]) => stored !== null && !locked.has(subject));
    if (unlocked.length === 0) return found;
    // Only what the statement returned is locked: a document deleted (or deleted and created again) since the read
    // is not, and the next read tells which.
    const { rows } = await db.query<{ subject: string }>(LOCK_DOCUMENTS_SHARE_SQL, [
      unlocked.map(([subject]) => subject),
    ]);
    for (const row of rows) locked.add(row.subject);
  }
  throw new ConflictError('the inheritance chain kept changing while it was being checked; try again');
}

export async function lockDocumentsForUpdate(db: Queryable, subjects: string[]): Promise<Map<string, StoredDocument>> {
  const found = new Map<string, StoredDocument>();
  if (subjects.length === 0) return found;
  const { rows } = await db.query<DocumentRow>(LOCK_DOCUMENTS_UPDATE_SQL, [subjects]);
  for (const row of rows) found.set(row.subject, toStoredDocument(row));
  return found;
}

export const LOCK_TEAMS_OF_PRINCIPAL_SQL = `
  SELECT t.id FROM team_members m JOIN teams t ON t.id = m.team_id
  WHERE m.principal = $1
  ORDER BY t.id COLLATE "C"
  FOR SHARE OF t`;

/**
 * The membership rows were read in the lock statement's snapshot, which a removal committed while it waited may have
 * changed: the teams are read again once locked, and only teams both locked and still his are returned.
 */
export async function lockTeamsOfPrincipal(db: Queryable, principal: string): Promise<StoredTeam[]> {
  const { rows } = await db.query<{ id: string }>(LOCK_TEAMS_OF_PRINCIPAL_SQL, [principal]);
  const locked = new Set(rows.map((row) => row.id));
  return (await getTeamsOfPrincipal(db, principal)).filter((team) => locked.has(team.id));
}

export const TEAM_MEMBERS_SQL = `
  SELECT team_id, principal FROM team_members WHERE team_id = ANY($1::text[])
  ORDER BY team_id COLLATE "C", principal COLLATE "C"`;

export async function getTeamMembers(db: Queryable, ids: string[]): Promise<Map<string, string[]>> {
  const members = new Map<string, string[]>();
  if (ids.length === 0) return members;
  const { rows } = await db.query<{ team_id: string; principal: string }>(TEAM_MEMBERS_SQL, [ids]);
  for (const row of rows) {
    const list = members.get(row.team_id);
    if (list) list.push(row.principal);
    else members.set(row.team_id, [row.principal]);
  }
  return members;
}

/**
 * One transaction-scoped advisory lock per principal, taken in order: two writes adding the same principal to two
 * teams count his teams one after the other, so a bound on them holds at commit. (A hash collision only makes two
 * unrelated writes wait for each other.)
 */
export const LOCK_MEMBERSHIPS_SQL = `
  SELECT pg_advisory_xact_lock(hashtextextended('team-memberships ' || principal, 0))
  FROM (
    SELECT principal FROM unnest($1::text[]) AS listed (principal) GROUP BY principal ORDER BY principal COLLATE "C"
  ) AS sorted`;

export const COUNT_TEAMS_OF_PRINCIPALS_SQL = `
  SELECT principal, count(*)::int AS teams FROM team_members WHERE principal = ANY($1::text[]) GROUP BY principal`;

export async function countTeamsOfPrincipals(db: Queryable, principals: string[]): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  if (principals.length === 0) return counts;
  await db.query(LOCK_MEMBERSHIPS_SQL, [principals]);
  const { rows } = await db.query<{ principal: string; teams: number }>(COUNT_TEAMS_OF_PRINCIPALS_SQL, [principals]);
  for (const row of rows) counts.set(row.principal, row.teams);
  return counts;
}

/**
 * The walk down permission_parents_parent_idx, one level per step, stopped at `$2` levels. UNION over
 * (subject, depth) keeps a diamond from multiplying rows and a cycle from running past the limit.
 */
export const HEIRS_DEPTH_SQL = `
  WITH RECURSIVE below (subject, depth) AS (
    SELECT subject, 1 FROM permission_parents WHERE parent = $1
    UNION
    SELECT pp.subject, b.depth + 1 FROM permission_parents pp JOIN below b ON pp.parent = b.subject
    WHERE b.depth < $2
  )
  SELECT coalesce(max(depth), 0)::int AS depth FROM below`;

export async function getHeirsDepth(db: Queryable, subject: string, limit: number): Promise<number> {
  const { rows } = await db.query<{ depth: number }>(HEIRS_DEPTH_SQL, [subject, limit]);
  return rows[0]?.depth ?? 0;
}
