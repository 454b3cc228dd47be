/**
 * CONTRACT §4.7 for every route that reads a body: malformed JSON, JSON of the wrong type, deep nesting, a body
 * over the limit, unknown or empty content, other charsets. Each answer is a 4xx with `{"msg"}` that says what was
 * wrong, nothing is stored, and the process keeps serving.
 */
import { startLegacyStack, type LegacyStack } from '@permissions/test-support/harness';
import {
  auth,
  deeplyNested,
  deeplyNestedObject,
  expectClientError,
  rawRequest,
  rowCounts,
  uniqueSubject,
  type RowCounts,
} from './support';

let legacy: LegacyStack;
let alice: string;
const doc = uniqueSubject('bodies');
let docEtag: string;
let team: string;
let teamEtag: string;

beforeAll(async () => {
  legacy = await startLegacyStack();
  const { stack } = legacy;
  alice = await stack.token('alice');
  const created = await stack.http
    .post('/az-permissions')
    .set(auth(alice))
    .send({ _subject: doc, _self: { govern: [stack.principals.alice] } });
  expect(created.status).toBe(201);
  docEtag = created.headers.etag;
  const t = await stack.http
    .post('/az-teams')
    .set(auth(alice))
    .send({ isA: 'Team', members: [stack.principals.alice], _permissions: { _self: { govern: [''], update: [''] } } });
  expect(t.status).toBe(201);
  team = t.headers.location;
  teamEtag = t.headers.etag;
});
afterAll(async () => legacy?.close());

interface BodyRoute {
  name: string;
  method: 'POST' | 'PATCH';
  path: () => string;
  /** The content type the route expects. */
  type: string;
  headers?: () => Record<string, string>;
  /** A body the route would accept, with `deep` (JSON text) as the value of one member. */
  withDeepMember: (deep: string) => string;
  /** The runtime's question routes ignore members they do not know and read the charset as UTF-8. */
  question?: true;
}

const ALICE = () => JSON.stringify(legacy.stack.principals.alice);
const question = (path: string): BodyRoute => ({
  name: `POST ${path}`,
  method: 'POST',
  path: () => path,
  type: 'application/json',
  withDeepMember: (deep) =>
    `{"${path.includes('base-and-path') ? 'baseAndPath' : 'resource'}": [${deep}], "user": ${ALICE()}, "action": "read"}`,
  question: true,
});
const mergeDeep = (deep: string) => `{"data": ${deep}}`;
const jsonPatchDeep = (deep: string) => `[{"op": "add", "path": "/data", "value": ${deep}}]`;
const migrationDeep = (deep: string) => `{"resource": ${deep}}`;

const ROUTES: BodyRoute[] = [
  {
    name: 'POST /az-permissions',
    method: 'POST',
    path: () => '/az-permissions',
    type: 'application/json',
    withDeepMember: (deep) =>
      `{"_subject": "${uniqueSubject('deep')}", "_self": {"govern": [${ALICE()}]}, "data": ${deep}}`,
  },
  {
    name: 'PATCH /az-permissions (merge)',
    method: 'PATCH',
    path: () => `/az-permissions?${doc}`,
    type: 'application/merge-patch+json',
    headers: () => ({ 'If-Match': docEtag }),
    withDeepMember: mergeDeep,
  },
  {
    name: 'PATCH /az-permissions (json patch)',
    method: 'PATCH',
    path: () => `/az-permissions?${doc}`,
    type: 'application/json-patch+json',
    headers: () => ({ 'If-Match': docEtag }),
    withDeepMember: jsonPatchDeep,
  },
  {
    name: 'POST /az-teams',
    method: 'POST',
    path: () => '/az-teams',
    type: 'application/json',
    withDeepMember: (deep) =>
      `{"isA": "Team", "members": [], "data": ${deep}, "_permissions": {"_self": {"govern": [""]}}}`,
  },
  {
    name: 'PATCH /az-tm- (merge)',
    method: 'PATCH',
    path: () => team,
    type: 'application/merge-patch+json',
    headers: () => ({ 'If-Match': teamEtag }),
    withDeepMember: mergeDeep,
  },
  {
    name: 'PATCH /az-tm- (json patch)',
    method: 'PATCH',
    path: () => team,
    type: 'application/json-patch+json',
    headers: () => ({ 'If-Match': teamEtag }),
    withDeepMember: jsonPatchDeep,
  },
  question('/az-is-allowed'),
  question('/az-is-allowed-for-resource'),
  question('/az-is-allowed-for-base-and-path'),
  question('/az-are-any-allowed'),
  question('/az-are-any-resources-allowed'),
  question('/az-are-any-base-and-paths-allowed'),
  {
    name: 'POST migration-request',
    method: 'POST',
    path: () => '/az-permissions-migration/migration-request',
    type: 'application/json',
    withDeepMember: migrationDeep,
  },
  {
    name: 'POST re-migration-request',
    method: 'POST',
    path: () => '/az-permissions-migration/re-migration-request',
    type: 'application/json',
    withDeepMember: migrationDeep,
  },
];

async function send(route: BodyRoute, body: string | Buffer, contentType = route.type) {
  return rawRequest(legacy.stack.url, {
    method: route.method,
    target: route.path(),
    headers: { authorization: `Bearer ${alice}`, 'content-type': contentType, ...route.headers?.() },
    body,
  });
}

let before: RowCounts;
beforeEach(async () => {
  before = await rowCounts(legacy.stack);
});
afterEach(async () => {
  // Nothing stored, and the process still answers a normal question.
  expect(await rowCounts(legacy.stack)).toEqual(before);
  const { stack } = legacy;
  const alive = await stack.http
    .get(
      `/az-is-allowed?resource=${encodeURIComponent(doc)}&action=govern&user=${encodeURIComponent(stack.principals.alice)}`,
    )
    .set(auth(alice));
  expect({ status: alive.status, body: alive.body }).toEqual({ status: 200, body: true });
});

describe.each(ROUTES)('$name', (route) => {
  test('malformed JSON is a 400 that says so', async () => {
    expectClientError(await send(route, '{"_subject": "x", '), 400, /invalid JSON/i);
  });

  test('a string, a number or null where an object is expected is a 400', async () => {
    for (const body of ['"x"', '5', 'null', 'true']) {
      const res = await send(route, body);
      expect(res.status).toBe(400);
      expect(typeof (res.body as { msg?: unknown }).msg).toBe('string');
    }
  });

  test('an array where an object is expected (an object where a JSON patch is expected) is a 400', async () => {
    const body = route.type === 'application/json-patch+json' ? '{"op": "add"}' : '[{"_subject": "x"}]';
    expectClientError(await send(route, body), 400, /array|object/i);
  });

  test('a body of 10 000 nested arrays or objects is refused with a msg, not a crash', async () => {
    expectClientError(await send(route, deeplyNested(10_000)), 400, /.+/);
    // A question about an object with no known member is refused for the missing user or action.
    const res = await send(route, deeplyNestedObject(10_000));
    expect({ status: res.status, body: res.body }).toMatchObject({
      status: route.question ? expect.any(Number) : 400,
      body: { msg: expect.any(String) },
    });
    expect(res.status >= 400 && res.status < 500).toBe(true);
  });

  test('a member nested 10 000 levels deep in an otherwise valid body is a 400', async () => {
    for (const deep of [deeplyNested(10_000), deeplyNestedObject(10_000)]) {
      const expected = route.question || route.name.includes('migration') ? /string/ : /nests JSON more than 64 levels/;
      expectClientError(await send(route, route.withDeepMember(deep)), 400, expected);
    }
  });

  test('a body just over 1 MB is a 413', async () => {
    const body = `{"_subject": "${'x'.repeat(1024 * 1024)}"}`;
    expectClientError(await send(route, body), 413, /too large/i);
  });

  test('an unknown content type is refused with a msg: 415 for a POST, 400 for a PATCH (reference §4)', async () => {
    const res = await send(route, '{"_subject": "x"}', 'text/plain');
    if (route.method === 'POST') {
      expectClientError(res, 415, /^the request body must be JSON \(application\/json\), not text\/plain$/);
    } else {
      expectClientError(res, 400, /^unknown PATCH content-type: text\/plain/);
    }
  });

  test('the expected content type with an empty body is a 400', async () => {
    expectClientError(await send(route, ''), 400, /.+/);
  });
});

describe.each(ROUTES)('$name', (route) => {
  test('a charset other than utf-8 is refused with a msg', async () => {
    const res = await send(route, Buffer.from('{"_subject": "x"}', 'latin1'), `${route.type}; charset=latin1`);
    expectClientError(res, 415, /charset/i);
  });
});
