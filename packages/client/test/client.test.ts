import axios from 'axios';
import { subjectFor, useStack } from '@permissions/test-support/harness';
import {
  BadRequestError,
  ConflictError,
  NotFoundError,
  PreconditionFailedError,
  UnauthorizedError,
  UnavailableError,
  axiosTransport,
  createPermissionsClient,
  fetchTransport,
  type Transport,
} from '@permissions/client';

const get = useStack();

const clientOf = (who: 'alice' | 'bob', extra: Partial<Parameters<typeof createPermissionsClient>[0]> = {}) =>
  createPermissionsClient({ baseUrl: get().stack.url, token: get().tokens[who], ...extra });

/** The built-in fetch, recording each request's method and URL (the services are real; only the log is added). */
function recording(): { transport: Transport; sent: Array<{ method: string; url: string; status: number }> } {
  const sent: Array<{ method: string; url: string; status: number }> = [];
  return {
    sent,
    transport: async (request) => {
      const res = await fetchTransport(request);
      sent.push({ method: request.method, url: request.url, status: res.status });
      return res;
    },
  };
}

describe('questions', () => {
  test('isAllowed answers the bare true or null; details, batches and allowed actions', async () => {
    const { p } = get();
    const alice = clientOf('alice');
    const bob = clientOf('bob');
    const subject = subjectFor('client-q');
    await alice.createDocument({ _subject: subject, _self: { govern: [p.alice], read: [p.bob], update: [p.carol] } });

    expect(await bob.isAllowed({ resource: subject, action: 'read', user: p.bob, atLeast: alice.lastSequence() })).toBe(
      true,
    );
    expect(await bob.isAllowed({ resource: subject, action: 'update', user: p.bob })).not.toBe(true);
    expect(await bob.isAllowed({ resource: subjectFor('nothing'), action: 'read', user: p.bob })).toBeNull();
    const details = await bob.isAllowedDetails({ resource: subject, action: 'read', user: p.bob });
    expect(details).toEqual({ allowed: true, scopes: { [subject]: [subject] }, answers: { [subject]: true } });
    expect(await bob.allowedActions({ resource: subject, user: p.bob })).toEqual(['read']);
    expect(await bob.areAnyAllowed({ resource: [subjectFor('none'), subject], action: 'read', user: p.bob })).toBe(
      true,
    );
  });

  test('a batch too long for a URL is POSTed, and each resource gets its own answer', async () => {
    const { p } = get();
    const alice = clientOf('alice');
    const subject = subjectFor('client-batch');
    await alice.createDocument({ _subject: subject, _self: { govern: [p.alice] } });
    const others = Array.from({ length: 150 }, (_, i) => subjectFor(`client-batch-${i}-${'x'.repeat(20)}`));
    const log = recording();
    const answers = await clientOf('alice', { transport: log.transport }).isAllowedEach({
      resource: [subject, ...others],
      action: 'govern',
      user: p.alice,
      atLeast: alice.lastSequence(),
    });
    expect(log.sent.map((s) => s.method)).toEqual(['POST']);
    expect(answers[subject]).toBe(true);
    expect(Object.keys(answers)).toHaveLength(151);
    expect(answers[others[0]]).toBeNull();
  });

  test('may alice make a new resource inherit from a document she governs?', async () => {
    const { p } = get();
    const alice = clientOf('alice');
    const parent = subjectFor('client-parent');
    await alice.createDocument({
      _subject: parent,
      _self: { govern: [p.alice] },
      _permissionsHeirs: { add: [p.alice] },
    });
    expect(
      await alice.isAllowedToInheritFrom({ user: p.alice, parents: [parent], atLeast: alice.lastSequence() }),
    ).toMatchObject({ allowed: true });
  });
});

describe('documents with ETags', () => {
  test('get returns the ETag, patch takes it, a stale one is a PreconditionFailedError', async () => {
    const { p } = get();
    const alice = clientOf('alice');
    const subject = subjectFor('client-doc');
    const created = await alice.createDocument({ _subject: subject, _self: { govern: [p.alice] } });
    expect(created.etag).toBe(`e${created.sequence}`);
    const read = await alice.getDocument(subject);
    expect(read.etag).toBe(created.etag);
    expect(read.value._self).toEqual({ govern: [p.alice], admin: [p.alice] });

    const patched = await alice.patchDocument(subject, { _self: { read: [p.bob] } }, { etag: read.etag });
    expect(patched.value._self).toMatchObject({ read: [p.bob] });
    expect(patched.etag).toBe(`e${patched.sequence}`);
    const jsonPatched = await alice.patchDocument(subject, [{ op: 'add', path: '/_self/update/-', value: p.carol }], {
      etag: patched.etag,
    });
    expect(jsonPatched.value._self).toMatchObject({ update: [p.carol] });

    const stale = alice.patchDocument(subject, { note: 'x' }, { etag: read.etag });
    await expect(stale).rejects.toBeInstanceOf(PreconditionFailedError);
    await expect(stale).rejects.toMatchObject({
      status: 412,
      msg: `If-Match header does not match etag ${jsonPatched.etag}`,
    });
  });

  test('put creates, then replaces; delete; a missing document is a NotFoundError', async () => {
    const { p } = get();
    const alice = clientOf('alice');
    const subject = subjectFor('client-put');
    const first = await alice.putDocument({ _subject: subject, _self: { govern: [p.alice], read: [p.bob] } });
    expect(first.created).toBe(true);
    const second = await alice.putDocument({ _subject: subject, _self: { govern: [p.alice] } });
    expect(second.created).toBe(false);
    expect(second.value._self).toEqual({ govern: [p.alice], admin: [p.alice] });
    await expect(alice.createDocument({ _subject: subject, _self: { govern: [p.alice] } })).rejects.toBeInstanceOf(
      ConflictError,
    );
    const deleted = await alice.deleteDocument(subject);
    expect(deleted.value._subject).toBe(subject);
    await expect(alice.getDocument(subject)).rejects.toBeInstanceOf(NotFoundError);
  });

  test("a refused body is a BadRequestError carrying the service's msg", async () => {
    const alice = clientOf('alice');
    const refused = alice.createDocument({ _subject: '' });
    await expect(refused).rejects.toBeInstanceOf(BadRequestError);
    await expect(refused).rejects.toMatchObject({
      status: 400,
      msg: 'invalid JSON: "_subject" property must be a non-empty string',
    });
  });

  test('hierarchy: heirs and who can access', async () => {
    const { p } = get();
    const alice = clientOf('alice');
    const parent = subjectFor('client-h');
    const child = subjectFor('client-h-child');
    await alice.createDocument({
      _subject: parent,
      _self: { govern: [p.alice], read: [p.alice] },
      _permissionsHeirs: { add: [p.alice], read: [p.alice] },
    });
    await alice.createDocument({ _subject: child, _inheritsPermissionsOf: [parent], _self: { read: [p.bob] } });
    expect(await alice.heirs(parent)).toEqual([child]);
    expect((await alice.usersWhoCanAccess(child)).sort()).toEqual([p.alice, p.bob].sort());
  });
});

describe('teams', () => {
  test('create, read with ETag, patch, list, delete', async () => {
    const { p } = get();
    const alice = clientOf('alice');
    const bob = clientOf('bob');
    const created = await alice.createTeam({
      isA: 'Team',
      name: 'client team',
      members: [p.bob],
      _permissions: { _self: { govern: [p.alice], read: [p.alice, p.bob], update: [p.alice], delete: [p.alice] } },
    });
    const id = created.value.self;
    expect(id).toMatch(/^\/az-tm-/);
    const read = await alice.getTeam(id);
    expect(read.value.members).toEqual([p.bob]);
    const patched = await alice.patchTeam(id, { members: [p.bob, p.carol] }, { etag: read.etag });
    expect(patched.value.members).toEqual([p.bob, p.carol]);
    expect(await bob.teamsOf(p.bob)).toContainEqual(expect.stringContaining(id));
    await alice.deleteTeam(id);
    await expect(alice.getTeam(id)).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe('session consistency, retries and transports', () => {
  test('the client remembers the highest X-Event-Sequence and sends it as atLeast in a session', async () => {
    const { p } = get();
    const log = recording();
    const alice = clientOf('alice', { consistency: 'session', transport: log.transport });
    const subject = subjectFor('client-session');
    expect(alice.lastSequence()).toBe(0);
    const created = await alice.createDocument({ _subject: subject, _self: { govern: [p.alice] } });
    expect(alice.lastSequence()).toBe(created.sequence);
    expect(await alice.isAllowed({ resource: subject, action: 'govern', user: p.alice })).toBe(true);
    expect(log.sent.at(-1)?.url).toContain(`atLeast=${created.sequence}`);
  });

  test('503 is retried with bounded, jittered backoff, then thrown as UnavailableError', async () => {
    const { p } = get();
    const log = recording();
    const delays: number[] = [];
    const alice = clientOf('alice', {
      transport: log.transport,
      retry: { retries: 3, baseDelayMs: 100, maxDelayMs: 150 },
      sleep: async (ms) => void delays.push(ms),
      random: () => 0.99,
    });
    // An event far in the future: the runtime answers 503 after MIN_SEQUENCE_WAIT_MS.
    const question = alice.isAllowed({ resource: '/', action: 'read', user: p.alice, atLeast: 1e12 });
    await expect(question).rejects.toBeInstanceOf(UnavailableError);
    expect(log.sent.map((s) => s.status)).toEqual([503, 503, 503, 503]);
    expect(delays).toEqual([99, 148, 148]);
  }, 60_000);

  test('a create is never retried (a second team would be made)', async () => {
    const delays: number[] = [];
    let calls = 0;
    const unavailable: Transport = async () => {
      calls++;
      return { status: 503, header: () => undefined, text: '{"msg":"down"}' };
    };
    const client = createPermissionsClient({
      baseUrl: 'http://127.0.0.1:9',
      transport: unavailable,
      sleep: async (ms) => void delays.push(ms),
    });
    await expect(client.createTeam({ isA: 'Team', members: [], _permissions: {} })).rejects.toMatchObject({
      status: 503,
      msg: 'down',
    });
    expect(calls).toBe(1);
  });

  test('axios as the transport answers the same, bare booleans included', async () => {
    const { p } = get();
    const alice = clientOf('alice', { transport: axiosTransport(axios.create()) });
    const subject = subjectFor('client-axios');
    const created = await alice.createDocument({ _subject: subject, _self: { govern: [p.alice] } });
    expect(created.etag).toBe(`e${created.sequence}`);
    expect(
      await alice.isAllowed({ resource: subject, action: 'govern', user: p.alice, atLeast: created.sequence }),
    ).toBe(true);
    expect(await alice.isAllowed({ resource: subjectFor('none'), action: 'read', user: p.alice })).toBeNull();
    await expect(
      clientOf('alice', { transport: axiosTransport(axios.create()), token: 'not-a-token' }).getDocument(subject),
    ).rejects.toBeInstanceOf(UnauthorizedError);
  });

  test('the OpenAPI document is reachable through the client', async () => {
    const doc = await clientOf('alice').openApi();
    expect(doc).toMatchObject({ openapi: '3.1.0' });
  });
});

describe('more hierarchy queries', () => {
  test('heirs details, resources shared with the caller and reached by a team', async () => {
    const { p } = get();
    const alice = clientOf('alice');
    const bob = clientOf('bob');
    const parent = subjectFor('client-more');
    const child = subjectFor('client-more-child');
    await alice.createDocument({
      _subject: parent,
      _self: { govern: [p.alice], read: [p.alice], update: [p.alice] },
      _permissionsHeirs: { add: [p.alice], read: [p.alice] },
    });
    await alice.createDocument({
      _subject: child,
      _inheritsPermissionsOf: [parent],
      _self: { read: [p.bob], admin: [p.alice] },
    });
    expect(await alice.heirsDetails(parent, ['_self'])).toEqual([
      { self: child, _self: { read: [p.bob], admin: [p.alice] } },
    ]);
    expect(await bob.resourcesSharedWith(p.bob)).toContain(child);
    const team = await alice.createTeam({
      isA: 'Team',
      members: [p.carol],
      _permissions: { _self: { govern: [p.alice], read: [p.alice], update: [p.alice], delete: [p.alice] } },
    });
    const shared = subjectFor('client-team-shared');
    await alice.createDocument({ _subject: shared, _self: { govern: [p.alice], read: [team.value.self] } });
    expect(await alice.resourcesAccessibleByTeamMembers(team.value.self)).toContain(shared);
  });
});
