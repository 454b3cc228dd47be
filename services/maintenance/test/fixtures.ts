import { auth, subjectFor, useStack, type FileStack, type Stack } from '@permissions/test-support/harness';

export { auth, type Stack };

export type User = 'alice' | 'bob' | 'carol' | 'dave';

/** One stack for the test file plus the helpers every maintenance test uses (see the harness). */
export type Maintenance = FileStack;
export { useStack, subjectFor };

/** `/az-permissions?{subject}` in the raw (compat) form. */
export const permissionsUrl = (subject: string) => `/az-permissions?${subject}`;

/** Creates a document as `who` and fails the test unless it is created. Returns its ETag. */
export async function create(m: Maintenance, who: User, doc: Record<string, unknown>): Promise<string> {
  const res = await m.stack.http.post('/az-permissions').set(auth(m.tokens[who])).send(doc);
  if (res.status !== 201) throw new Error(`create ${String(doc._subject)}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.headers.etag;
}

/** A document governed by `owner` (admin defaults to govern), optionally inheriting, plus extra members. */
export function governedBy(
  subject: string,
  owner: string,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return { _subject: subject, _self: { govern: [owner] }, ...extra };
}

/** `governedBy`, and the owner may also attach and detach heirs (`_permissionsHeirs.add` / `remove`). */
export function parentOwnedBy(
  subject: string,
  owner: string,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return governedBy(subject, owner, { _permissionsHeirs: { add: [owner], remove: [owner] }, ...extra });
}

export interface EventRow {
  seq: number;
  topic: string;
  action: string;
  subject: string;
}

export async function eventAt(m: Maintenance, seq: number): Promise<EventRow | undefined> {
  const { rows } = await m.stack.db.pool.query<{ seq: string; topic: string; action: string; subject: string }>(
    'SELECT seq, topic, action, subject FROM events WHERE seq = $1',
    [seq],
  );
  return rows[0] ? { ...rows[0], seq: Number(rows[0].seq) } : undefined;
}

/** The highest committed event seq (0 when none); compare before and after a request to prove it wrote nothing. */
export async function lastEventSeq(m: Maintenance): Promise<number> {
  const { rows } = await m.stack.db.pool.query<{ max: string | null }>('SELECT max(seq) AS max FROM events');
  return Number(rows[0]?.max ?? 0);
}

/** The stored row of a subject, or undefined. */
export async function storedRow(
  m: Maintenance,
  subject: string,
): Promise<{ seq: number; data: Record<string, unknown> } | undefined> {
  const { rows } = await m.stack.db.pool.query<{ seq: string; data: Record<string, unknown> }>(
    'SELECT seq, data FROM permissions WHERE subject = $1',
    [subject],
  );
  return rows[0] ? { seq: Number(rows[0].seq), data: rows[0].data } : undefined;
}

/**
 * Runs `request` and checks that it wrote nothing: no new event and the listed subjects' rows unchanged (absent
 * ones still absent). Returns the response for the caller's own status and body assertions.
 */
export async function expectNothingStored<T>(
  m: Maintenance,
  subjects: string[],
  request: () => Promise<T>,
): Promise<T> {
  const before = await lastEventSeq(m);
  const rowsBefore = await Promise.all(subjects.map((s) => storedRow(m, s)));
  const res = await request();
  expect(await lastEventSeq(m)).toBe(before);
  expect(await Promise.all(subjects.map((s) => storedRow(m, s)))).toEqual(rowsBefore);
  return res;
}
