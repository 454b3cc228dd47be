import { auth, type Stack } from '@permissions/test-support/harness';

export type User = 'alice' | 'bob' | 'carol' | 'dave';

/** The shape of a team URL (reference §2.2). */
export { TEAM_URL } from '../src';

/** What a write leaves behind: rows of every table a team write touches, and the events. */
export interface DbSnapshot {
  teams: number;
  teamMembers: number;
  permissions: number;
  events: number;
}

export async function snapshot(stack: Stack): Promise<DbSnapshot> {
  const { rows } = await stack.db.pool.query<{ teams: string; members: string; permissions: string; events: string }>(
    `SELECT (SELECT count(*) FROM teams) AS teams, (SELECT count(*) FROM team_members) AS members,
            (SELECT count(*) FROM permissions) AS permissions, (SELECT count(*) FROM events) AS events`,
  );
  const row = rows[0];
  return {
    teams: Number(row.teams),
    teamMembers: Number(row.members),
    permissions: Number(row.permissions),
    events: Number(row.events),
  };
}

export async function eventsFor(
  stack: Stack,
  subject: string,
): Promise<Array<{ seq: number; topic: string; action: string; members: string[] }>> {
  const { rows } = await stack.db.pool.query<{ seq: string; topic: string; action: string; members: string[] }>(
    'SELECT seq, topic, action, members FROM events WHERE subject = $1 ORDER BY seq',
    [subject],
  );
  return rows.map((r) => ({ ...r, seq: Number(r.seq) }));
}

export async function permissionsRow(stack: Stack, subject: string): Promise<Record<string, unknown> | null> {
  const { rows } = await stack.db.pool.query<{ data: Record<string, unknown> }>(
    'SELECT data FROM permissions WHERE subject = $1',
    [subject],
  );
  return rows[0]?.data ?? null;
}

export async function teamRow(stack: Stack, id: string): Promise<Record<string, unknown> | null> {
  const { rows } = await stack.db.pool.query<{ data: Record<string, unknown> }>(
    'SELECT data FROM teams WHERE id = $1',
    [id],
  );
  return rows[0]?.data ?? null;
}

/** Creates a permissions document governed by `who` through the maintenance API. */
export async function createDocument(stack: Stack, who: User, doc: Record<string, unknown>): Promise<void> {
  const res = await stack.http
    .post('/az-permissions')
    .set(auth(await stack.token(who)))
    .send(doc);
  if (res.status !== 201)
    throw new Error(`creating ${String(doc._subject)}: ${res.status} ${JSON.stringify(res.body)}`);
}

/** A team created by `who` whose members (and only they) may read, update, delete and govern it. */
export function teamBody(members: string[], extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    isA: 'Team',
    name: 'a team',
    members,
    _permissions: { _self: { read: [''], update: [''], delete: [''], govern: [''] } },
    ...extra,
  };
}

/** POSTs a team and returns its URL and ETag; fails the test on anything but 201. */
export async function createTeam(
  stack: Stack,
  who: User,
  body: Record<string, unknown>,
): Promise<{ id: string; etag: string; body: Record<string, unknown> }> {
  const res = await stack.http
    .post('/az-teams')
    .set(auth(await stack.token(who)))
    .send(body);
  if (res.status !== 201) throw new Error(`creating a team: ${res.status} ${JSON.stringify(res.body)}`);
  return { id: res.headers.location as string, etag: res.headers.etag as string, body: res.body };
}
