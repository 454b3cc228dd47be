import type { PermissionsDocument, Team } from '@permissions/model';
import type { EventAction, EventRecord, EventTopic, StoredDocument, StoredTeam } from './types';

// bigint columns arrive as strings from pg; seqs stay far below 2^53 (see Seq), so Number() is exact.

export interface DocumentRow {
  subject: string;
  seq: string;
  data: PermissionsDocument;
}

export interface TeamRow {
  id: string;
  seq: string;
  data: Team;
}

export interface EventRow {
  seq: string;
  topic: EventTopic;
  action: EventAction;
  subject: string;
  members: string[];
  created_at: Date;
}

export function toStoredDocument(row: DocumentRow): StoredDocument {
  return { document: row.data, seq: Number(row.seq) };
}

export function toStoredTeam(row: TeamRow): StoredTeam {
  return { id: row.id, team: row.data, seq: Number(row.seq) };
}

export function toEventRecord(row: EventRow): EventRecord {
  return {
    seq: Number(row.seq),
    topic: row.topic,
    action: row.action,
    subject: row.subject,
    members: row.members,
    createdAt: row.created_at,
  };
}
