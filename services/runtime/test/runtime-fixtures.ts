import { randomBytes } from 'node:crypto';
import { auth, startStack, type Stack } from '../../../test/src/harness';

export { auth, type Stack };

export type Who = 'alice' | 'bob' | 'carol' | 'dave' | 'client';

export interface Runtime {
  stack: Stack;
  tokens: Record<Who, string>;
  p: Stack['principals'];
}

/** One stack for the test file (started in beforeAll, closed in afterAll), with a token per dev identity. */
export function useStack(env: Record<string, string> = {}): () => Runtime {
  let current: Runtime | undefined;
  beforeAll(async () => {
    const stack = await startStack({ env });
    const names = ['alice', 'bob', 'carol', 'dave', 'client'] as const;
    const minted = await Promise.all(names.map((n) => stack.token(n)));
    const tokens = Object.fromEntries(names.map((n, i) => [n, minted[i]])) as Runtime['tokens'];
    current = { stack, tokens, p: stack.principals };
  });
  afterAll(async () => current?.stack.close());
  return () => {
    if (!current) throw new Error('the stack has not started');
    return current;
  };
}

/** A subject no other test uses: `http://example.com/{label}-{hex}`. */
export function subjectFor(label: string): string {
  return `http://example.com/${label}-${randomBytes(4).toString('hex')}`;
}

/** A query string from pairs, each value percent-encoded; repeated names are repeated pairs. */
export function query(pairs: Array<[string, string]>): string {
  return pairs.map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&');
}

/** Creates a permissions document through maintenance; returns its X-Event-Sequence. */
export async function createDocument(rt: Runtime, document: Record<string, unknown>, who: Who = 'alice') {
  const res = await rt.stack.http.post('/az-permissions').set(auth(rt.tokens[who])).send(document);
  if (res.status !== 201) throw new Error(`create ${String(document._subject)}: ${res.status} ${res.text}`);
  return { seq: Number(res.headers['x-event-sequence']), etag: res.headers.etag as string };
}

/** Merge-patches a document through maintenance (If-Match from a fresh read); returns its X-Event-Sequence. */
export async function patchDocument(rt: Runtime, subject: string, patch: Record<string, unknown>, who: Who = 'alice') {
  const read = await rt.stack.http.get(`/az-permissions?${subject}`).set(auth(rt.tokens[who]));
  if (read.status !== 200) throw new Error(`read ${subject}: ${read.status} ${read.text}`);
  const res = await rt.stack.http
    .patch(`/az-permissions?${subject}`)
    .set(auth(rt.tokens[who]))
    .set('Content-Type', 'application/merge-patch+json')
    .set('If-Match', read.headers.etag as string)
    .send(JSON.stringify(patch));
  if (res.status !== 200) throw new Error(`patch ${subject}: ${res.status} ${res.text}`);
  return Number(res.headers['x-event-sequence']);
}

/** Creates a team through the teams service; returns its URL and X-Event-Sequence. */
export async function createTeam(rt: Runtime, team: Record<string, unknown>, who: Who = 'alice') {
  const owner = rt.p[who];
  const res = await rt.stack.http
    .post('/az-teams')
    .set(auth(rt.tokens[who]))
    .send({
      isA: 'Team',
      ...team,
      _permissions: { _self: { read: [owner], update: [owner], delete: [owner], admin: [owner], govern: [owner] } },
    });
  if (res.status !== 201) throw new Error(`create team: ${res.status} ${res.text}`);
  return { id: res.headers.location as string, seq: Number(res.headers['x-event-sequence']) };
}

/** A document that `who` governs (so it may name it as a base of team roles and inherit from it). */
export function governed(rt: Runtime, subject: string, extra: Record<string, unknown> = {}, who: Who = 'alice') {
  const owner = rt.p[who];
  return {
    _subject: subject,
    _self: { govern: [owner], admin: [owner] },
    _permissionsHeirs: { add: [owner] },
    ...extra,
  };
}

/** `cache_lookups_total` of the runtime's document cache, by result. */
export async function documentLookups(rt: Runtime): Promise<{ hit: number; miss: number; negative: number }> {
  const res = await rt.stack.http.get('/metrics').set(auth(rt.tokens.alice));
  if (res.status !== 200) throw new Error(`metrics: ${res.status}`);
  const count = (result: string): number => {
    const line = res.text
      .split('\n')
      .find((l) => l.startsWith(`cache_lookups_total{cache="documents",result="${result}"}`));
    return line === undefined ? 0 : Number(line.split(' ').at(-1));
  };
  return { hit: count('hit'), miss: count('miss'), negative: count('negative') };
}
