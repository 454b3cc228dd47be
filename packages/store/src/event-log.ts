import type { Queryable } from './pool';
import { toEventRecord, type EventRow } from './rows';
import type { EventAction, EventRecord, EventTopic, Seq } from './types';

/** The sequence behind events.seq (bigserial); every document and team seq is taken from it too. */
export const EVENT_SEQUENCE = 'events_seq_seq';
export const NEXT_SEQ_SQL = `nextval('${EVENT_SEQUENCE}')`;

const EVENT_COLUMNS = 'seq, topic, action, subject, members, created_at';

export const EVENTS_AFTER_SQL = `
  SELECT ${EVENT_COLUMNS} FROM events WHERE seq > $1 ORDER BY seq LIMIT $2`;

export async function getEventsAfter(db: Queryable, afterSeq: Seq, limit: number): Promise<EventRecord[]> {
  const { rows } = await db.query<EventRow>(EVENTS_AFTER_SQL, [afterSeq, limit]);
  return rows.map(toEventRecord);
}

/**
 * Reads the sequence itself, not max(seq) of the table: numbers handed to transactions that have not committed (or
 * never will) count, so a listener starting here never waits for history it will not be sent.
 */
export const LAST_SEQ_SQL = `SELECT CASE WHEN is_called THEN last_value ELSE 0 END AS seq FROM ${EVENT_SEQUENCE}`;

export async function getLastSeq(db: Queryable): Promise<Seq> {
  const { rows } = await db.query<{ seq: string }>(LAST_SEQ_SQL);
  return Number(rows[0]?.seq ?? 0);
}

export interface NewEvent {
  /** The seq already taken for the row this event describes; null takes the next one. */
  seq: Seq | null;
  topic: EventTopic;
  action: EventAction;
  subject: string;
  members?: string[];
}

const APPEND_EVENT_SQL = `
  INSERT INTO events (seq, topic, action, subject, members)
  VALUES (coalesce($1::bigint, ${NEXT_SEQ_SQL}), $2, $3, $4, $5::text[])
  RETURNING ${EVENT_COLUMNS}`;

export async function appendEvent(db: Queryable, event: NewEvent): Promise<EventRecord> {
  const { rows } = await db.query<EventRow>(APPEND_EVENT_SQL, [
    event.seq,
    event.topic,
    event.action,
    event.subject,
    event.members ?? [],
  ]);
  const row = rows[0];
  if (!row) throw new Error('INSERT … RETURNING gave no event row');
  return toEventRecord(row);
}
