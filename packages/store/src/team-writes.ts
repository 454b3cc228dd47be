import { ConflictError, NotFoundError, PreconditionFailedError, type Team } from '@permissions/model';
import { NEXT_SEQ_SQL } from './event-log';
import type { Queryable } from './pool';
import { toStoredTeam, type TeamRow } from './rows';
import type { Seq, StoredTeam } from './types';

// Same pattern as document-writes.ts: the row takes its seq from the event sequence, team_members follows `members`.

const TEAM_FOR_UPDATE_SQL = `SELECT id, seq, data FROM teams WHERE id = $1 FOR UPDATE`;

export async function getTeamForUpdate(db: Queryable, id: string): Promise<StoredTeam | null> {
  const { rows } = await db.query<TeamRow>(TEAM_FOR_UPDATE_SQL, [id]);
  return rows[0] ? toStoredTeam(rows[0]) : null;
}

/** A written team: its seq and members before ∪ after, for the event (whose actor lists may have changed). */
export interface TeamWrite {
  seq: Seq;
  members: string[];
}

const INSERT_TEAM_SQL = `
  INSERT INTO teams (id, seq, data) VALUES ($1, ${NEXT_SEQ_SQL}, $2::jsonb)
  ON CONFLICT (id) DO NOTHING
  RETURNING seq`;

export async function insertTeam(db: Queryable, id: string, team: Team): Promise<TeamWrite> {
  const { rows } = await db.query<{ seq: string }>(INSERT_TEAM_SQL, [id, JSON.stringify(team)]);
  if (!rows[0]) throw new ConflictError(`team ${id} already exists`);
  const members = await syncMembers(db, id, team);
  return { seq: Number(rows[0].seq), members };
}

const UPDATE_TEAM_SQL = `
  UPDATE teams SET seq = ${NEXT_SEQ_SQL}, data = $2::jsonb
  WHERE id = $1 AND ($3::bigint IS NULL OR seq = $3::bigint)
  RETURNING seq`;

export async function updateTeam(db: Queryable, id: string, team: Team, expectedSeq?: Seq): Promise<TeamWrite> {
  const { rows } = await db.query<{ seq: string }>(UPDATE_TEAM_SQL, [id, JSON.stringify(team), expectedSeq ?? null]);
  if (!rows[0]) throw await whyNotWritten(db, id, expectedSeq);
  const members = await syncMembers(db, id, team);
  return { seq: Number(rows[0].seq), members };
}

const DELETE_TEAM_SQL = `
  DELETE FROM teams WHERE id = $1 AND ($2::bigint IS NULL OR seq = $2::bigint)
  RETURNING id, seq, data`;

/** team_members rows go with the team (ON DELETE CASCADE); the event names the members it had. */
export async function deleteTeam(db: Queryable, id: string, expectedSeq?: Seq): Promise<StoredTeam> {
  const { rows } = await db.query<TeamRow>(DELETE_TEAM_SQL, [id, expectedSeq ?? null]);
  if (!rows[0]) throw await whyNotWritten(db, id, expectedSeq);
  return toStoredTeam(rows[0]);
}

const CURRENT_SEQ_SQL = `SELECT seq FROM teams WHERE id = $1`;

async function whyNotWritten(db: Queryable, id: string, expectedSeq?: Seq): Promise<Error> {
  const { rows } = await db.query<{ seq: string }>(CURRENT_SEQ_SQL, [id]);
  if (!rows[0]) return new NotFoundError(`no team ${id}`);
  return new PreconditionFailedError(`team ${id} has changed: it is at e${rows[0].seq}, not e${expectedSeq ?? '?'}`);
}

// Deletes members no longer listed (returning them) and adds the listed ones; the removed and added sets are
// disjoint, so the CTE and the INSERT never touch the same row.
const SYNC_MEMBERS_SQL = `
  WITH removed AS (
    DELETE FROM team_members WHERE team_id = $1 AND principal <> ALL ($2::text[])
    RETURNING principal
  ), added AS (
    INSERT INTO team_members (team_id, principal)
    SELECT DISTINCT $1::text, principal FROM unnest($2::text[]) AS listed (principal)
    ON CONFLICT DO NOTHING
  )
  SELECT principal FROM removed`;

async function syncMembers(db: Queryable, id: string, team: Team): Promise<string[]> {
  const members = membersOf(team);
  const { rows } = await db.query<{ principal: string }>(SYNC_MEMBERS_SQL, [id, members]);
  return unionSorted(
    members,
    rows.map((row) => row.principal),
  );
}

export function membersOf(team: Team): string[] {
  return Array.isArray(team.members) ? team.members.filter((m): m is string => typeof m === 'string') : [];
}

export function unionSorted(a: string[], b: string[]): string[] {
  return [...new Set([...a, ...b])].sort();
}
