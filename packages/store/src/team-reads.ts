import type { Queryable } from './pool';
import { toStoredTeam, type TeamRow } from './rows';
import type { Seq, StoredTeam, TeamVersion } from './types';

export const TEAM_SQL = `SELECT id, seq, data FROM teams WHERE id = $1`;

export async function getTeam(db: Queryable, id: string): Promise<StoredTeam | null> {
  const { rows } = await db.query<TeamRow>(TEAM_SQL, [id]);
  return rows[0] ? toStoredTeam(rows[0]) : null;
}

/** The teams of one principal (its actors), served by team_members_principal_idx: one query per cache miss. */
export const TEAMS_OF_PRINCIPAL_SQL = `
  SELECT t.id, t.seq, t.data
  FROM team_members m JOIN teams t ON t.id = m.team_id
  WHERE m.principal = $1
  ORDER BY t.id COLLATE "C"`;

export async function getTeamsOfPrincipal(db: Queryable, principal: string): Promise<StoredTeam[]> {
  const { rows } = await db.query<TeamRow>(TEAMS_OF_PRINCIPAL_SQL, [principal]);
  return rows.map(toStoredTeam);
}

/**
 * The teams of one principal with their versions, and the data of those not already known at that version: when a
 * member's team list must be re-read (one team changed), the teams a cache holds are not sent again. Served by
 * team_members_principal_idx then teams_pkey, like TEAMS_OF_PRINCIPAL_SQL.
 */
export const TEAMS_OF_PRINCIPAL_EXCEPT_SQL = `
  SELECT t.id, t.seq, CASE WHEN k.seq IS NOT DISTINCT FROM t.seq THEN NULL ELSE t.data END AS data
  FROM team_members m
  JOIN teams t ON t.id = m.team_id
  LEFT JOIN unnest($2::text[], $3::bigint[]) AS k(id, seq) ON k.id = t.id
  WHERE m.principal = $1
  ORDER BY t.id COLLATE "C"`;

export async function getTeamsOfPrincipalExcept(
  db: Queryable,
  principal: string,
  known: ReadonlyMap<string, Seq>,
): Promise<TeamVersion[]> {
  const { rows } = await db.query<{ id: string; seq: string; data: TeamRow['data'] | null }>(
    TEAMS_OF_PRINCIPAL_EXCEPT_SQL,
    [principal, [...known.keys()], [...known.values()]],
  );
  return rows.map((row) => ({ id: row.id, seq: Number(row.seq), team: row.data }));
}
