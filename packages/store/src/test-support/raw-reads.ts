import type { Queryable } from '../pool';
import type { EventRecord, Seq } from '../types';

/**
 * What really reached the tables, read with plain SQL behind the store's back (Auth.js adapter tests' `db`), so the
 * conformance suite can tell a stored write from one the store only claims.
 */
export interface RawReads {
  document(subject: string): Promise<{ seq: Seq; data: unknown } | null>;
  team(id: string): Promise<{ seq: Seq; data: unknown } | null>;
  /** Events with seq > afterSeq, ascending. */
  events(afterSeq: Seq): Promise<EventRecord[]>;
}

export function createRawReads(db: Queryable): RawReads {
  return {
    async document(subject) {
      const { rows } = await db.query<{ seq: string; data: unknown }>(
        'SELECT seq, data FROM permissions WHERE subject = $1',
        [subject],
      );
      return rows[0] ? { seq: Number(rows[0].seq), data: rows[0].data } : null;
    },
    async team(id) {
      const { rows } = await db.query<{ seq: string; data: unknown }>('SELECT seq, data FROM teams WHERE id = $1', [
        id,
      ]);
      return rows[0] ? { seq: Number(rows[0].seq), data: rows[0].data } : null;
    },
    async events(afterSeq) {
      const { rows } = await db.query<{
        seq: string;
        topic: EventRecord['topic'];
        action: EventRecord['action'];
        subject: string;
        members: string[];
        created_at: Date;
      }>('SELECT seq, topic, action, subject, members, created_at FROM events WHERE seq > $1 ORDER BY seq', [afterSeq]);
      return rows.map((row) => ({
        seq: Number(row.seq),
        topic: row.topic,
        action: row.action,
        subject: row.subject,
        members: row.members,
        createdAt: row.created_at,
      }));
    },
  };
}
