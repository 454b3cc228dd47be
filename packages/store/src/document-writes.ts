import { ConflictError, NotFoundError, PreconditionFailedError, type PermissionsDocument } from '@permissions/model';
import { NEXT_SEQ_SQL } from './event-log';
import type { Queryable } from './pool';
import { toStoredDocument, type DocumentRow } from './rows';
import type { Seq, StoredDocument } from './types';

// Each mutation takes its seq from the event sequence while writing the row, so the row's seq and its event's seq
// are the same number. The caller appends the event with that seq in the same transaction.

const DOCUMENT_FOR_UPDATE_SQL = `SELECT subject, seq, data FROM permissions WHERE subject = $1 FOR UPDATE`;

export async function getDocumentForUpdate(db: Queryable, subject: string): Promise<StoredDocument | null> {
  const { rows } = await db.query<DocumentRow>(DOCUMENT_FOR_UPDATE_SQL, [subject]);
  return rows[0] ? toStoredDocument(rows[0]) : null;
}

// ON CONFLICT DO NOTHING instead of catching 23505: a failed INSERT would abort the whole transaction, and a caller
// that handles the ConflictError inside its transaction must be able to go on. It also waits for a concurrent
// creator of the same subject to commit, so exactly one of two racing creates wins.
const INSERT_DOCUMENT_SQL = `
  INSERT INTO permissions (subject, seq, data) VALUES ($1, ${NEXT_SEQ_SQL}, $2::jsonb)
  ON CONFLICT (subject) DO NOTHING
  RETURNING seq`;

export async function insertDocument(db: Queryable, document: PermissionsDocument): Promise<Seq> {
  const { rows } = await db.query<{ seq: string }>(INSERT_DOCUMENT_SQL, [document._subject, JSON.stringify(document)]);
  if (!rows[0]) throw new ConflictError(`a permissions document for ${document._subject} already exists`);
  await syncDocumentIndexes(db, document);
  return Number(rows[0].seq);
}

// Under READ COMMITTED a concurrent writer's row lock makes this wait, then re-checks `seq = $3` on the committed
// row: the loser of a race over the same expected seq updates nothing and gets PreconditionFailedError.
const UPDATE_DOCUMENT_SQL = `
  UPDATE permissions SET seq = ${NEXT_SEQ_SQL}, data = $2::jsonb
  WHERE subject = $1 AND ($3::bigint IS NULL OR seq = $3::bigint)
  RETURNING seq`;

export async function updateDocument(db: Queryable, document: PermissionsDocument, expectedSeq?: Seq): Promise<Seq> {
  const subject = document._subject;
  const { rows } = await db.query<{ seq: string }>(UPDATE_DOCUMENT_SQL, [
    subject,
    JSON.stringify(document),
    expectedSeq ?? null,
  ]);
  if (!rows[0]) throw await whyNotWritten(db, subject, expectedSeq);
  await syncDocumentIndexes(db, document);
  return Number(rows[0].seq);
}

// permission_parents and permission_shared_with rows go with the row (ON DELETE CASCADE).
const DELETE_DOCUMENT_SQL = `
  DELETE FROM permissions WHERE subject = $1 AND ($2::bigint IS NULL OR seq = $2::bigint)
  RETURNING subject, seq, data`;

export async function deleteDocument(db: Queryable, subject: string, expectedSeq?: Seq): Promise<StoredDocument> {
  const { rows } = await db.query<DocumentRow>(DELETE_DOCUMENT_SQL, [subject, expectedSeq ?? null]);
  if (!rows[0]) throw await whyNotWritten(db, subject, expectedSeq);
  return toStoredDocument(rows[0]);
}

const CURRENT_SEQ_SQL = `SELECT seq FROM permissions WHERE subject = $1`;

/** Missing is 404; present with another seq is 412, also when a concurrent write won the race (reference B17). */
async function whyNotWritten(db: Queryable, subject: string, expectedSeq?: Seq): Promise<Error> {
  const { rows } = await db.query<{ seq: string }>(CURRENT_SEQ_SQL, [subject]);
  if (!rows[0]) return new NotFoundError(`no permissions document for ${subject}`);
  return new PreconditionFailedError(
    `permissions document ${subject} has changed: it is at e${rows[0].seq}, not e${expectedSeq ?? '?'}`,
  );
}

// The index tables are brought to the document's lists in one statement each: rows no longer listed are deleted and
// listed ones upserted. The two sets are disjoint, so the data-modifying CTE and the INSERT never touch the same row.
const SYNC_PARENTS_SQL = `
  WITH removed AS (
    DELETE FROM permission_parents WHERE subject = $1 AND parent <> ALL ($2::text[])
  )
  INSERT INTO permission_parents (subject, parent, position)
  SELECT $1::text, parent, min(position)::int FROM unnest($2::text[]) WITH ORDINALITY AS listed (parent, position)
  GROUP BY parent
  ON CONFLICT (subject, parent) DO UPDATE SET position = excluded.position`;

const SYNC_SHARED_WITH_SQL = `
  WITH removed AS (
    DELETE FROM permission_shared_with WHERE subject = $1 AND principal <> ALL ($2::text[])
  )
  INSERT INTO permission_shared_with (subject, principal)
  SELECT DISTINCT $1::text, principal FROM unnest($2::text[]) AS listed (principal)
  ON CONFLICT DO NOTHING`;

async function syncDocumentIndexes(db: Queryable, document: PermissionsDocument): Promise<void> {
  const subject = document._subject;
  await db.query(SYNC_PARENTS_SQL, [subject, stringsOf(document._inheritsPermissionsOf)]);
  await db.query(SYNC_SHARED_WITH_SQL, [subject, stringsOf(document._metadata?.sharedWith)]);
}

/** The store keeps documents as given; only well-formed list entries become index rows. */
function stringsOf(list: unknown): string[] {
  return Array.isArray(list) ? list.filter((item): item is string => typeof item === 'string') : [];
}
