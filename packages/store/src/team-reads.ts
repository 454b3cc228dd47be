import type { Queryable } from './pool';
import { toStoredTeam, type TeamRow } from './rows';
import type { StoredTeam } from './types';

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
