/**
 * CONTRACT §4.7: JSON of the right shape at the top but the wrong type in a member (numbers, objects or arrays
 * where strings are expected and the reverse) is a 400 whose msg names the member, and nothing is stored; reserved
 * member names (`__proto__`…) neither pollute anything nor break later requests.
 */
import { startLegacyStack, type LegacyStack } from '@permissions/test-support/harness';
import { auth, expectClientError, rowCounts, uniqueSubject, type RowCounts } from './support';

let legacy: LegacyStack;
let alice: string;
let P: { alice: string; bob: string };
const doc = uniqueSubject('types');
let docEtag: string;
let team: string;
let teamEtag: string;

beforeAll(async () => {
  legacy = await startLegacyStack();
  const { stack } = legacy;
  alice = await stack.token('alice');
  P = { alice: stack.principals.alice, bob: stack.principals.bob };
  const created = await stack.http
    .post('/az-permissions')
    .set(auth(alice))
    .send({ _subject: doc, _self: { govern: [P.alice] } });
  expect(created.status).toBe(201);
  docEtag = created.headers.etag;
  const t = await stack.http
    .post('/az-teams')
    .set(auth(alice))
    .send({ isA: 'Team', members: [P.alice], _permissions: { _self: { govern: [''], update: [''] } } });
  expect(t.status).toBe(201);
  team = t.headers.location;
  teamEtag = t.headers.etag;
});
afterAll(async () => legacy?.close());

let before: RowCounts;
beforeEach(async () => {
  before = await rowCounts(legacy.stack);
});
afterEach(async () => {
  expect(await rowCounts(legacy.stack)).toEqual(before);
});

const http = () => legacy.stack.http;
const governed = (extra: Record<string, unknown>) => ({
  _subject: uniqueSubject('t'),
  _self: { govern: [P.alice] },
  ...extra,
});

describe('POST /az-permissions', () => {
  const cases: Array<[string, () => Record<string, unknown>, RegExp]> = [
    [
      '_subject: 5',
      () => ({ _subject: 5, _self: { govern: [P.alice] } }),
      /"_subject" property must be a non-empty string/,
    ],
    ['_subject: {}', () => ({ _subject: {}, _self: { govern: [P.alice] } }), /"_subject" property must be/],
    ['_subject: []', () => ({ _subject: ['/a'], _self: { govern: [P.alice] } }), /"_subject" property must be/],
    ['_subject: ""', () => ({ _subject: '', _self: { govern: [P.alice] } }), /"_subject" property must be/],
    ['_subject missing', () => ({ _self: { govern: [P.alice] } }), /"_subject" property not set/],
    [
      '_inheritsPermissionsOf: [1]',
      () => governed({ _inheritsPermissionsOf: [1] }),
      /"_inheritsPermissionsOf" must be/,
    ],
    ['_inheritsPermissionsOf: {}', () => governed({ _inheritsPermissionsOf: {} }), /"_inheritsPermissionsOf" must be/],
    ['_inheritsPermissionsOf: 5', () => governed({ _inheritsPermissionsOf: 5 }), /"_inheritsPermissionsOf" must be/],
    [
      '_inheritsPermissionsOf: [""]',
      () => governed({ _inheritsPermissionsOf: [''] }),
      /"_inheritsPermissionsOf" must be/,
    ],
    ['_self: "x"', () => ({ _subject: uniqueSubject('t'), _self: 'x' }), /"_self" must be an object/],
    ['_self: []', () => ({ _subject: uniqueSubject('t'), _self: [] }), /"_self" must be an object/],
    ['_self: null', () => ({ _subject: uniqueSubject('t'), _self: null }), /"_self" must be an object/],
    [
      '_self: {read: "x"}',
      () => governed({ _self: { govern: [P.alice], read: 'x' } }),
      /"_self.read" must be an array/,
    ],
    [
      '_self: {read: [1]}',
      () => governed({ _self: { govern: [P.alice], read: [1] } }),
      /"_self.read" must be an array/,
    ],
    ['_self: {govern: {}}', () => ({ _subject: uniqueSubject('t'), _self: { govern: {} } }), /"_self.govern" must be/],
    ['_self: {govern: [null]}', () => ({ _subject: uniqueSubject('t'), _self: { govern: [null] } }), /"_self.govern"/],
    ['_permissionsHeirs: {add: "x"}', () => governed({ _permissionsHeirs: { add: 'x' } }), /"_permissionsHeirs.add"/],
    ['_permissionsHeirs: 5', () => governed({ _permissionsHeirs: 5 }), /"_permissionsHeirs" must be an object/],
    ['custom property {read: "x"}', () => governed({ keyvaluemaps: { read: 'x' } }), /"keyvaluemaps.read" must be/],
    ['custom property {read: [{}]}', () => governed({ keyvaluemaps: { read: [{}] } }), /"keyvaluemaps.read" must be/],
    ['_constraints: "x"', () => governed({ _constraints: 'x' }), /"_constraints" must be an object/],
    ['_constraints: []', () => governed({ _constraints: [] }), /"_constraints" must be an object/],
    ['_constraints: {validIssuers: "x"}', () => governed({ _constraints: { validIssuers: 'x' } }), /validIssuers/],
    ['_constraints: {validIssuers: [1]}', () => governed({ _constraints: { validIssuers: [1] } }), /validIssuers/],
    [
      '_constraints: {wideningForbidden: "true"}',
      () => governed({ _constraints: { wideningForbidden: 'true' } }),
      /wideningForbidden/,
    ],
    ['_constraints: {unknown: 1}', () => governed({ _constraints: { wideningForbiden: true } }), /unknown constraint/],
    [
      'no governor and no parent',
      () => ({ _subject: uniqueSubject('t'), _self: { read: [P.alice] } }),
      /at least one governor/,
    ],
    [
      'a principal that is not {issuer}#{id}',
      () => governed({ _self: { govern: [P.alice], read: ['nobody'] } }),
      /issuer|principal/i,
    ],
  ];
  test.each(cases)('%s is a 400 naming the member', async (_name, body, msg) => {
    const res = await http().post('/az-permissions').set(auth(alice)).send(body());
    expectClientError(res, 400, msg);
  });
});

describe('PATCH /az-permissions', () => {
  const merge: Array<[string, unknown, RegExp]> = [
    ['_subject: 5', { _subject: 5 }, /_subject may not be changed/],
    ['_subject: null (removing it)', { _subject: null }, /_subject may not be changed/],
    ['_inheritsPermissionsOf: [1]', { _inheritsPermissionsOf: [1] }, /"_inheritsPermissionsOf" must be/],
    ['_self: {read: "x"}', { _self: { read: 'x' } }, /"_self.read" must be an array/],
    ['_self: "x"', { _self: 'x' }, /"_self" must be an object/],
    ['_self: null (no governor left)', { _self: null }, /at least one governor/],
    ['_self: {govern: null} (no governor left)', { _self: { govern: null } }, /at least one governor/],
    ['_constraints: {validIssuers: "x"}', { _constraints: { validIssuers: 'x' } }, /validIssuers/],
    [
      'a member named constructor',
      JSON.parse('{"_self":{"constructor":["x"],"read":["x"]}}'),
      /reserved member name "constructor"/,
    ],
    [
      'a member named __proto__',
      JSON.parse('{"__proto__":{"_self":{"govern":["x"]}}}'),
      /reserved member name "__proto__"/,
    ],
  ];
  test.each(merge)('merge patch %s is a 400', async (_name, patch, msg) => {
    const res = await http()
      .patch(`/az-permissions?${doc}`)
      .set(auth(alice))
      .set('Content-Type', 'application/merge-patch+json')
      .set('If-Match', docEtag)
      .send(JSON.stringify(patch));
    expectClientError(res, 400, msg);
  });

  const jsonPatch: Array<[string, unknown, RegExp]> = [
    ['replacing the whole document by 5', [{ op: 'replace', path: '', value: 5 }], /must be a JSON object/],
    ['replacing the whole document by []', [{ op: 'replace', path: '', value: [] }], /must be a JSON object/],
    ['adding _self.read: "x"', [{ op: 'add', path: '/_self/read', value: 'x' }], /"_self.read" must be an array/],
    ['adding to a list that is not there', [{ op: 'add', path: '/_nope/read/0', value: 'x' }], /invalid JSON patch/],
    ['an unknown op', [{ op: 'frobnicate', path: '/x', value: 1 }], /invalid JSON patch/],
    ['an operation without a path', [{ op: 'add', value: 1 }], /string path/],
    ['a path into __proto__', [{ op: 'add', path: '/__proto__/x', value: 1 }], /invalid JSON patch|reserved/],
    ['a failed test op', [{ op: 'test', path: '/_subject', value: 'other' }], /invalid JSON patch/],
  ];
  test.each(jsonPatch)('json patch %s is a 400', async (_name, patch, msg) => {
    const res = await http()
      .patch(`/az-permissions?${doc}`)
      .set(auth(alice))
      .set('Content-Type', 'application/json-patch+json')
      .set('If-Match', docEtag)
      .send(JSON.stringify(patch));
    expectClientError(res, 400, msg);
  });
});

describe('POST /az-teams', () => {
  const base = () => ({ isA: 'Team', members: [P.alice], _permissions: { _self: { govern: [''] } } });
  const cases: Array<[string, () => Record<string, unknown>, RegExp]> = [
    ['members: "x"', () => ({ ...base(), members: 'x' }), /"members" must be an array of strings/],
    ['members: [1]', () => ({ ...base(), members: [1] }), /"members" must be an array of strings/],
    ['members: {}', () => ({ ...base(), members: {} }), /"members" must be an array of strings/],
    ['members: null', () => ({ ...base(), members: null }), /"members" must be an array of strings/],
    [
      'members missing',
      () => ({ isA: 'Team', _permissions: { _self: { govern: [''] } } }),
      /"members" property not set/,
    ],
    ['a team as a member', () => ({ ...base(), members: ['/az-tm-x'] }), /cannot contain a team/],
    ['name: 5', () => ({ ...base(), name: 5 }), /"name" must be a string/],
    ['isA: 5', () => ({ ...base(), isA: 5 }), /"isA" property not set to "Team"/],
    ['roles: []', () => ({ ...base(), roles: [] }), /"roles" must be an object/],
    ['roles: "x"', () => ({ ...base(), roles: 'x' }), /"roles" must be an object/],
    ['roles: {base: []}', () => ({ ...base(), roles: { [doc]: [] } }), /must be an object mapping path patterns/],
    [
      'roles: {base: {"/": "read"}}',
      () => ({ ...base(), roles: { [doc]: { '/': 'read' } } }),
      /must be an array of strings/,
    ],
    [
      'roles: {base: {"x": ["read"]}}',
      () => ({ ...base(), roles: { [doc]: { x: ['read'] } } }),
      /must start with "\/"/,
    ],
    ['roles: {"": {...}}', () => ({ ...base(), roles: { '': { '/': ['read'] } } }), /may not be empty/],
    ['_permissions: "x"', () => ({ ...base(), _permissions: 'x' }), /_permissions must be a permissions document/],
    ['_permissions: []', () => ({ ...base(), _permissions: [] }), /_permissions must be a permissions document/],
    ['_permissions missing', () => ({ isA: 'Team', members: [] }), /^_permissions is required when creating a team/],
    [
      '_permissions: {_self: {govern: "x"}}',
      () => ({ ...base(), _permissions: { _self: { govern: 'x' } } }),
      /"_self.govern" must be/,
    ],
    [
      '_permissions: {_subject: 5}',
      () => ({ ...base(), _permissions: { _subject: 5, _self: { govern: [''] } } }),
      /_subject/,
    ],
    [
      '_permissions: {_inheritsPermissionsOf: [1]}',
      () => ({ ...base(), _permissions: { _inheritsPermissionsOf: [1] } }),
      /_inheritsPermissionsOf/,
    ],
    ['creator set by the client', () => ({ ...base(), creator: P.bob }), /"creator" is set by the server/],
    [
      'a member named __proto__',
      () =>
        JSON.parse(`{"isA":"Team","members":[],"__proto__":{"isAdmin":true},"_permissions":{"_self":{"govern":[""]}}}`),
      /reserved member name "__proto__"/,
    ],
  ];
  test.each(cases)('%s is a 400 naming the member', async (_name, body, msg) => {
    const res = await http()
      .post('/az-teams')
      .set(auth(alice))
      .set('Content-Type', 'application/json')
      .send(JSON.stringify(body()));
    expectClientError(res, 400, msg);
  });
});

describe('PATCH /az-tm-{id}', () => {
  const merge: Array<[string, unknown, RegExp]> = [
    ['members: "x"', { members: 'x' }, /"members" must be an array of strings/],
    ['members: null (removing them)', { members: null }, /"members" property not set/],
    ['isA: null', { isA: null }, /"isA" property not set to "Team"/],
    ['roles: []', { roles: [] }, /"roles" must be an object/],
    ['roles: {base: {"/": [1]}}', { roles: { [doc]: { '/': [1] } } }, /must be an array of strings/],
    ['self changed', { self: '/az-tm-other' }, /self is a link set by the server/],
    [
      '_permissions changed',
      { _permissions: { _self: { govern: ['x'] } } },
      /_permissions is a link set by the server/,
    ],
    ['creator changed', { creator: 'someone' }, /creator is set by the server/],
    ['a member named constructor', JSON.parse('{"constructor":{"x":1}}'), /reserved member name "constructor"/],
  ];
  test.each(merge)('merge patch %s is a 400', async (_name, patch, msg) => {
    const res = await http()
      .patch(team)
      .set(auth(alice))
      .set('Content-Type', 'application/merge-patch+json')
      .set('If-Match', teamEtag)
      .send(JSON.stringify(patch));
    expectClientError(res, 400, msg);
  });

  test('a json patch replacing the whole team by a string is a 400', async () => {
    const res = await http()
      .patch(team)
      .set(auth(alice))
      .set('Content-Type', 'application/json-patch+json')
      .set('If-Match', teamEtag)
      .send(JSON.stringify([{ op: 'replace', path: '', value: 'x' }]));
    expectClientError(res, 400, /the patched team must be a JSON object/);
  });
});

describe('runtime questions in a JSON body', () => {
  const ask = () => ({ resource: doc, user: P.alice, action: 'govern' });
  const cases: Array<[string, () => Record<string, unknown>, RegExp]> = [
    ['user: 5', () => ({ ...ask(), user: 5 }), /user must be a string/],
    ['user: {}', () => ({ ...ask(), user: {} }), /user must be a string/],
    ['user: two values', () => ({ ...ask(), user: [P.alice, P.bob] }), /user must be given at most once/],
    ['action: [1]', () => ({ ...ask(), action: [1] }), /action must be a string/],
    ['action missing', () => ({ resource: doc, user: P.alice }), /action query parameter must be provided/],
    ['resource: 5', () => ({ ...ask(), resource: 5 }), /resource values must be non-empty strings/],
    ['resource: {}', () => ({ ...ask(), resource: {} }), /resource values must be non-empty strings/],
    ['resource: [""]', () => ({ ...ask(), resource: [''] }), /resource values must be non-empty strings/],
    ['property: 5', () => ({ ...ask(), property: 5 }), /property must be a string/],
    ['atLeast: "soon"', () => ({ ...ask(), atLeast: 'soon' }), /atLeast must be a non-negative integer/],
  ];
  test.each(cases)('POST /az-is-allowed with %s is a 400 naming it', async (_name, body, msg) => {
    const res = await http().post('/az-is-allowed').set(auth(alice)).send(body());
    expectClientError(res, 400, msg);
  });

  test('a body with __proto__ members answers the question it asks, and a later question is unaffected', async () => {
    const body = `{"__proto__": {"action": "read"}, "resource": ${JSON.stringify(doc)}, "user": ${JSON.stringify(P.alice)}, "action": "govern"}`;
    const res = await http().post('/az-is-allowed').set(auth(alice)).set('Content-Type', 'application/json').send(body);
    expect({ status: res.status, body: res.body }).toEqual({ status: 200, body: true });
    const bob = await legacy.stack.token('bob');
    const later = await http()
      .post('/az-is-allowed')
      .set(auth(bob))
      .send({ resource: doc, user: P.bob, action: 'govern' });
    expect({ status: later.status, body: later.body }).toEqual({ status: 200, body: null });
  });
});

describe('migration requests', () => {
  test.each([
    ['resource: 5', { resource: 5 }, /resource must be a string/],
    ['resource: {}', { resource: {} }, /resource must be a string/],
    ['resource: ["x"]', { resource: ['x'] }, /resource must be a string/],
    ['resource missing', { other: 'x' }, /json property resource is required/],
    ['resource: null', { resource: null }, /json property resource is required/],
  ])('%s is a 400', async (_name, body, msg) => {
    for (const kind of ['migration-request', 're-migration-request']) {
      const res = await http().post(`/az-permissions-migration/${kind}`).set(auth(alice)).send(body);
      expectClientError(res, 400, msg);
    }
  });

  test('a resource of another system is a 404 that says so', async () => {
    const res = await http()
      .post('/az-permissions-migration/migration-request')
      .set(auth(alice))
      .send({ resource: 'http://example.com/v1/o/acme' });
    expectClientError(res, 404, /doesn't look like an Edge resource/);
  });
});

describe('reserved member names', () => {
  test('a document with a hasOwnProperty member is a 400 (stored, it made every later merge patch a 500)', async () => {
    const body = { _subject: uniqueSubject('own'), _self: { govern: [P.alice] }, hasOwnProperty: { read: [P.alice] } };
    const res = await http().post('/az-permissions').set(auth(alice)).send(body);
    expectClientError(res, 400, /reserved member name "hasOwnProperty" \(at hasOwnProperty\)/);
  });

  test('a document with a __proto__ member is a 400, and nothing reads isAdmin afterwards', async () => {
    const subject = uniqueSubject('proto');
    const json = `{"_subject": "${subject}", "_self": {"govern": [${JSON.stringify(P.alice)}]}, "__proto__": {"isAdmin": true, "govern": [${JSON.stringify(P.bob)}]}}`;
    const res = await http()
      .post('/az-permissions')
      .set(auth(alice))
      .set('Content-Type', 'application/json')
      .send(json);
    expectClientError(res, 400, /reserved member name "__proto__"/);
    const stored = await legacy.stack.db.pool.query('SELECT data FROM permissions WHERE subject = $1', [subject]);
    expect(stored.rows).toEqual([]);
    // An unrelated document read afterwards has no inherited isAdmin, and bob still governs nothing.
    const read = await http().get(`/az-permissions?${doc}`).set(auth(alice));
    expect(read.status).toBe(200);
    expect(read.body.isAdmin).toBeUndefined();
    const bob = await legacy.stack.token('bob');
    const asBob = await http().get(`/az-permissions?${doc}`).set(auth(bob));
    expectClientError(asBob, 404, /^permissions not found for subject$/); // not even its existence
  });
});
