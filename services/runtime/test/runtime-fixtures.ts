import { auth, subjectFor, useStack, type FileStack, type Stack, type Who } from '@permissions/test-support/harness';

export { auth, type Stack };

export type { Who };
export type Runtime = FileStack;
export { useStack, subjectFor };

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

/** A gauge or counter of the runtime's caches from /metrics, e.g. `cacheMetric(rt, 'cache_bytes', 'documents')`. */
export async function cacheMetric(rt: Runtime, name: string, cache: string): Promise<number> {
  const res = await rt.stack.http.get('/metrics').set(auth(rt.tokens.alice));
  if (res.status !== 200) throw new Error(`metrics: ${res.status}`);
  const line = res.text.split('\n').find((l) => l.startsWith(`${name}{cache="${cache}"}`));
  if (line === undefined) throw new Error(`no ${name} for cache ${cache}`);
  return Number(line.split(' ').at(-1));
}
