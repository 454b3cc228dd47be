import { ConflictError, NotFoundError, PreconditionFailedError, type PermissionsDocument } from '@permissions/model';
import { EVENT_SEQUENCE } from './event-log';
import type { Queryable } from './pool';
import { toEventRecord, type EventRow } from './rows';
import { membersOf, unionSorted } from './team-writes';
import type { DocumentUpdate, EventRecord, TeamUpdate } from './types';

// Many documents or teams written in a constant number of statements, whatever their number: each statement takes
// its rows from arrays (unnest), so a write of 10 000 documents costs a few round trips, not 40 000. Each row still
// gets its own seq from the event sequence and its own event, in the same statement, as one by one.

const EVENT_COLUMNS = 'seq, topic, action, subject, members, created_at';

/**
 * Rows are inserted in the order given (ORDER BY before the volatile nextval: Postgres evaluates it after the sort),
 * so that parents get lower seqs than the heirs listed after them. ON CONFLICT DO NOTHING waits for a concurrent
 * creator of the same subject and leaves its row out of RETURNING: the caller learns which subjects were taken (and
 * throws, so that the index rows written for them go with the rolled-back transaction). The index rows are written
 * by the same statement: one round trip whatever the number of documents.
 */
export const INSERT_DOCUMENTS_SQL = `
  WITH inserted AS (
    INSERT INTO permissions (subject, seq, data)
    SELECT listed.subject, nextval('${EVENT_SEQUENCE}'), listed.data
    FROM unnest($1::text[], $2::jsonb[]) WITH ORDINALITY AS listed (subject, data, position)
    ORDER BY listed.position
    ON CONFLICT (subject) DO NOTHING
    RETURNING subject, seq
  ), parents AS (
    INSERT INTO permission_parents (subject, parent, position)
    SELECT subject, parent, min(position)::int FROM unnest($3::text[], $4::text[], $5::int[]) AS rows (subject, parent, position)
    WHERE subject IN (SELECT subject FROM inserted)
    GROUP BY subject, parent
  ), shared AS (
    INSERT INTO permission_shared_with (subject, principal)
    SELECT DISTINCT subject, principal FROM unnest($6::text[], $7::text[]) AS rows (subject, principal)
    WHERE subject IN (SELECT subject FROM inserted)
  )
  INSERT INTO events (seq, topic, action, subject)
  SELECT seq, 'permissions', 'create', subject FROM inserted
  RETURNING ${EVENT_COLUMNS}`;

export async function insertDocuments(db: Queryable, documents: PermissionsDocument[]): Promise<EventRecord[]> {
  if (documents.length === 0) return [];
  const subjects = documents.map((document) => document._subject);
  const { parents, shared } = indexRowsOf(documents);
  const { rows } = await db.query<EventRow>(INSERT_DOCUMENTS_SQL, [
    subjects,
    documents.map(asJson),
    parents.subject,
    parents.parent,
    parents.position,
    shared.subject,
    shared.principal,
  ]);
  if (rows.length < documents.length) {
    const written = new Set(rows.map((row) => row.subject));
    const taken = subjects.filter((subject) => !written.has(subject));
    throw new ConflictError(`permissions documents were created meanwhile at ${describe(taken)}`, {
      subjects: taken.slice(0, 100),
    });
  }
  return rows.map(toEventRecord).sort(bySeq);
}

/** Each row replaced only at its expected seq (when one is given): a row that moved is left as it is. */
export const UPDATE_DOCUMENTS_SQL = `
  WITH updated AS (
    UPDATE permissions p SET seq = nextval('${EVENT_SEQUENCE}'), data = listed.data
    FROM unnest($1::text[], $2::jsonb[], $3::bigint[]) AS listed (subject, data, expected)
    WHERE p.subject = listed.subject AND (listed.expected IS NULL OR p.seq = listed.expected)
    RETURNING p.subject, p.seq
  )
  INSERT INTO events (seq, topic, action, subject)
  SELECT seq, 'permissions', 'update', subject FROM updated
  RETURNING ${EVENT_COLUMNS}`;

export async function updateDocuments(db: Queryable, updates: DocumentUpdate[]): Promise<EventRecord[]> {
  if (updates.length === 0) return [];
  const subjects = updates.map((update) => update.document._subject);
  const { rows } = await db.query<EventRow>(UPDATE_DOCUMENTS_SQL, [
    subjects,
    updates.map((update) => asJson(update.document)),
    updates.map((update) => update.expectedSeq ?? null),
  ]);
  if (rows.length < updates.length) {
    const written = new Set(rows.map((row) => row.subject));
    throw await whyNotWritten(
      db,
      'permissions',
      subjects.filter((subject) => !written.has(subject)),
    );
  }
  await syncDocumentIndexes(
    db,
    updates.map((update) => update.document),
  );
  return rows.map(toEventRecord).sort(bySeq);
}

// The index tables follow the documents' lists: rows of the written subjects no longer listed are deleted, listed
// ones upserted (the sets are disjoint, so the data-modifying CTEs and the INSERTs never touch the same row).
export const SYNC_INDEXES_SQL = `
  WITH listed_parents AS (
    SELECT subject, parent, min(position)::int AS position
    FROM unnest($1::text[], $2::text[], $3::int[]) AS rows (subject, parent, position)
    GROUP BY subject, parent
  ), listed_shared AS (
    SELECT DISTINCT subject, principal FROM unnest($4::text[], $5::text[]) AS rows (subject, principal)
  ), parents_removed AS (
    DELETE FROM permission_parents pp
    WHERE pp.subject = ANY($6::text[])
      AND NOT EXISTS (SELECT 1 FROM listed_parents l WHERE l.subject = pp.subject AND l.parent = pp.parent)
  ), shared_removed AS (
    DELETE FROM permission_shared_with ps
    WHERE ps.subject = ANY($6::text[])
      AND NOT EXISTS (SELECT 1 FROM listed_shared l WHERE l.subject = ps.subject AND l.principal = ps.principal)
  ), parents_written AS (
    INSERT INTO permission_parents (subject, parent, position)
    SELECT subject, parent, position FROM listed_parents
    ON CONFLICT (subject, parent) DO UPDATE SET position = excluded.position
  )
  INSERT INTO permission_shared_with (subject, principal)
  SELECT subject, principal FROM listed_shared
  ON CONFLICT DO NOTHING`;

async function syncDocumentIndexes(db: Queryable, documents: PermissionsDocument[]): Promise<void> {
  const { parents, shared } = indexRowsOf(documents);
  await db.query(SYNC_INDEXES_SQL, [
    parents.subject,
    parents.parent,
    parents.position,
    shared.subject,
    shared.principal,
    documents.map((document) => document._subject),
  ]);
}

/** The rows of permission_parents and permission_shared_with that the documents' lists call for, as columns. */
function indexRowsOf(documents: PermissionsDocument[]) {
  const parents = { subject: [] as string[], parent: [] as string[], position: [] as number[] };
  const shared = { subject: [] as string[], principal: [] as string[] };
  for (const document of documents) {
    stringsOf(document._inheritsPermissionsOf).forEach((parent, i) => {
      parents.subject.push(document._subject);
      parents.parent.push(parent);
      parents.position.push(i + 1);
    });
    for (const principal of stringsOf(document._metadata?.sharedWith)) {
      shared.subject.push(document._subject);
      shared.principal.push(principal);
    }
  }
  return { parents, shared };
}

export const UPDATE_TEAMS_SQL = `
  UPDATE teams t SET seq = nextval('${EVENT_SEQUENCE}'), data = listed.data
  FROM unnest($1::text[], $2::jsonb[], $3::bigint[]) AS listed (id, data, expected)
  WHERE t.id = listed.id AND (listed.expected IS NULL OR t.seq = listed.expected)
  RETURNING t.id, t.seq`;

/** Members no longer listed are deleted (and returned, for the events), listed ones added. */
export const SYNC_TEAM_MEMBERS_SQL = `
  WITH listed AS (
    SELECT DISTINCT team_id, principal FROM unnest($1::text[], $2::text[]) AS rows (team_id, principal)
  ), removed AS (
    DELETE FROM team_members m
    WHERE m.team_id = ANY($3::text[])
      AND NOT EXISTS (SELECT 1 FROM listed l WHERE l.team_id = m.team_id AND l.principal = m.principal)
    RETURNING team_id, principal
  ), added AS (
    INSERT INTO team_members (team_id, principal) SELECT team_id, principal FROM listed ON CONFLICT DO NOTHING
  )
  SELECT team_id, principal FROM removed`;

/** A team's event names its members before ∪ after (whose team lists changed), as `updateTeam`'s does. */
export const APPEND_TEAM_EVENTS_SQL = `
  INSERT INTO events (seq, topic, action, subject, members)
  SELECT listed.seq, 'teams', 'update', listed.id, ARRAY(SELECT jsonb_array_elements_text(listed.members))
  FROM unnest($1::bigint[], $2::text[], $3::jsonb[]) AS listed (seq, id, members)
  RETURNING ${EVENT_COLUMNS}`;

export async function updateTeams(db: Queryable, updates: TeamUpdate[]): Promise<EventRecord[]> {
  if (updates.length === 0) return [];
  const ids = updates.map((update) => update.id);
  const { rows } = await db.query<{ id: string; seq: string }>(UPDATE_TEAMS_SQL, [
    ids,
    updates.map((update) => JSON.stringify(update.team)),
    updates.map((update) => update.expectedSeq ?? null),
  ]);
  if (rows.length < updates.length) {
    const written = new Set(rows.map((row) => row.id));
    throw await whyNotWritten(
      db,
      'teams',
      ids.filter((id) => !written.has(id)),
    );
  }
  const members = { team: [] as string[], principal: [] as string[] };
  for (const update of updates) {
    for (const member of membersOf(update.team)) {
      members.team.push(update.id);
      members.principal.push(member);
    }
  }
  const removed = await db.query<{ team_id: string; principal: string }>(SYNC_TEAM_MEMBERS_SQL, [
    members.team,
    members.principal,
    ids,
  ]);
  const seqOf = new Map(rows.map((row) => [row.id, row.seq]));
  const left = new Map<string, string[]>();
  for (const row of removed.rows) left.set(row.team_id, [...(left.get(row.team_id) ?? []), row.principal]);
  const events = await db.query<EventRow>(APPEND_TEAM_EVENTS_SQL, [
    updates.map((update) => seqOf.get(update.id)),
    ids,
    updates.map((update) => JSON.stringify(unionSorted(membersOf(update.team), left.get(update.id) ?? []))),
  ]);
  return events.rows.map(toEventRecord).sort(bySeq);
}

/** Missing rows are 404; rows at another seq than expected (moved by a concurrent write) are 412. */
async function whyNotWritten(db: Queryable, table: 'permissions' | 'teams', keys: string[]): Promise<Error> {
  const sql =
    table === 'permissions'
      ? 'SELECT subject AS key FROM permissions WHERE subject = ANY($1::text[])'
      : 'SELECT id AS key FROM teams WHERE id = ANY($1::text[])';
  const { rows } = await db.query<{ key: string }>(sql, [keys]);
  const present = new Set(rows.map((row) => row.key));
  const missing = keys.filter((key) => !present.has(key));
  const what = table === 'permissions' ? 'permissions documents' : 'teams';
  if (missing.length > 0) return new NotFoundError(`no ${what} at ${describe(missing)}`);
  return new PreconditionFailedError(`${what} changed meanwhile: ${describe(keys)}`);
}

function describe(keys: string[]): string {
  return keys.length <= 5 ? keys.join(', ') : `${keys.slice(0, 5).join(', ')} and ${keys.length - 5} more`;
}

/** The store keeps documents as given; only well-formed list entries become index rows. */
function stringsOf(list: unknown): string[] {
  return Array.isArray(list) ? list.filter((item): item is string => typeof item === 'string') : [];
}

function asJson(document: PermissionsDocument): string {
  return JSON.stringify(document);
}

function bySeq(a: EventRecord, b: EventRecord): number {
  return a.seq - b.seq;
}
