/**
 * CONTRACT §4.7 for what is not a body: missing, duplicated and badly encoded query parameters, very long URLs,
 * subjects with characters that mean something in a URL or to JavaScript, wrong methods, HEAD, odd If-Match forms.
 */
import { startLegacyStack, type LegacyStack } from '@permissions/test-support/harness';
import { auth, expectClientError, rawRequest, rowCounts, uniqueSubject, type RowCounts } from './support';

let legacy: LegacyStack;
let alice: string;
let P: { alice: string; bob: string };
const doc = uniqueSubject('odd');
let team: string;

beforeAll(async () => {
  legacy = await startLegacyStack();
  const { stack } = legacy;
  alice = await stack.token('alice');
  P = { alice: stack.principals.alice, bob: stack.principals.bob };
  const created = await stack.http
    .post('/az-permissions')
    .set(auth(alice))
    .send({ _subject: doc, _self: { govern: [P.alice], read: [P.alice], update: [P.alice] } });
  expect(created.status).toBe(201);
  const t = await stack.http
    .post('/az-teams')
    .set(auth(alice))
    .send({ isA: 'Team', members: [P.alice], _permissions: { _self: { govern: [''], update: [''], read: [''] } } });
  expect(t.status).toBe(201);
  team = t.headers.location;
});
afterAll(async () => legacy?.close());

let before: RowCounts;
/** Cleared by the tests that write on purpose; every other test must leave the tables as they were. */
let refusalsOnly: boolean;
beforeEach(async () => {
  before = await rowCounts(legacy.stack);
  refusalsOnly = true;
});
afterEach(async () => {
  if (refusalsOnly) expect(await rowCounts(legacy.stack)).toEqual(before);
});

const http = () => legacy.stack.http;
const enc = encodeURIComponent;

/** Maintenance and teams routes that name their resource by the query string. */
const SUBJECT_ROUTES = [
  '/az-permissions',
  '/az-permissions-heirs',
  '/az-users-who-can-access',
  '/az-resources-shared-with',
  '/az-resources-accessible-by-team-members',
  '/az-teams',
];

describe.each(SUBJECT_ROUTES)('GET %s', (path) => {
  test('without a query string is a 400 that says what to send', async () => {
    expectClientError(await http().get(path).set(auth(alice)), 400, /query string must name the resource/);
  });

  test('with a duplicated named parameter is a 400', async () => {
    const name =
      path === '/az-teams' || path === '/az-resources-shared-with'
        ? 'user'
        : path.includes('team-members')
          ? 'team'
          : 'subject';
    const res = await http()
      .get(`${path}?${name}=${enc(doc)}&${name}=${enc(doc)}`)
      .set(auth(alice));
    expectClientError(res, 400, new RegExp(`${name} must be given once`));
  });

  test('with invalid percent-encoding is a 400', async () => {
    const res = await rawRequest(legacy.stack.url, {
      method: 'GET',
      target: `${path}?http%3A%2F%2Fexample.com%2F%E0%A4%A`,
      headers: { authorization: `Bearer ${alice}` },
    });
    expectClientError(res, 400, /malformed percent-encoding/);
  });
});

test('GET /az-permissions-heirs-details without resource, or with it twice, is a 400', async () => {
  expectClientError(
    await http().get('/az-permissions-heirs-details').set(auth(alice)),
    400,
    /resource query parameter/,
  );
  const twice = await http()
    .get(`/az-permissions-heirs-details?resource=${enc(doc)}&resource=x`)
    .set(auth(alice));
  expectClientError(twice, 400, /resource query parameter must be given once/);
});

const QUESTION_ROUTES = [
  '/az-is-allowed',
  '/az-is-allowed-for-resource',
  '/az-is-allowed-for-base-and-path',
  '/az-are-any-allowed',
  '/az-are-any-resources-allowed',
  '/az-are-any-base-and-paths-allowed',
  '/az-allowed-actions',
  '/az-allowed-actions-for-resource',
  '/az-allowed-actions-for-base-and-path',
  '/az-is-allowed-to-inherit-from',
];

describe.each(QUESTION_ROUTES)('GET %s', (path) => {
  const resourceName = path.includes('base-and-path') ? 'baseAndPath' : 'resource';
  test('with user, action, property or subject twice is a 400 naming it', async () => {
    for (const name of ['user', 'action', 'property', 'subject']) {
      const query = `${resourceName}=${enc(doc)}&user=${enc(P.alice)}&action=read&${name}=x`;
      const res = await http()
        .get(`${path}?${query}${name === 'user' ? '' : `&${name}=y`}`)
        .set(auth(alice));
      expectClientError(res, 400, new RegExp(`${name} must be given at most once`));
    }
  });

  test('asking about another user without delegation is a 403 naming both users', async () => {
    const res = await http()
      .get(`${path}?${resourceName}=${enc(doc)}&user=${enc(P.bob)}&action=read`)
      .set(auth(alice));
    expectClientError(res, 403, /user must be provided in querystring and must match user in token/);
  });

  test('a 100 kB query string is refused before the route, never a 5xx', async () => {
    const res = await rawRequest(legacy.stack.url, {
      method: 'GET',
      target: `${path}?${resourceName}=${'a'.repeat(100_000)}&user=${enc(P.alice)}&action=read`,
      headers: { authorization: `Bearer ${alice}` },
    });
    expect([400, 414, 431]).toContain(res.status);
  });
});

test('the question routes need an action, except allowed-actions and inherit-from', async () => {
  for (const path of QUESTION_ROUTES.filter((p) => p.includes('-is-') || p.includes('-are-'))) {
    const name = path.includes('base-and-path') ? 'baseAndPath' : 'resource';
    if (path === '/az-is-allowed-to-inherit-from') continue;
    const res = await http()
      .get(`${path}?${name}=${enc(doc)}&user=${enc(P.alice)}`)
      .set(auth(alice));
    expectClientError(res, 400, /action query parameter must be provided/);
  }
});

describe('a 100 kB URL on a maintenance route', () => {
  test.each(SUBJECT_ROUTES)('GET %s is refused before the route, never a 5xx', async (path) => {
    const res = await rawRequest(legacy.stack.url, {
      method: 'GET',
      target: `${path}?http://example.com/${'a'.repeat(100_000)}`,
      headers: { authorization: `Bearer ${alice}` },
    });
    expect([400, 414, 431]).toContain(res.status);
  });
});

describe('subjects with characters that mean something in a URL or to JavaScript', () => {
  const SUBJECTS = [
    'http://example.com/a#fragment',
    'http://example.com/a?x=1&y=2',
    'http://example.com/100%25-sure',
    'http://example.com/with space',
    'http://example.com/ünïcødé/日本',
    'http://example.com/plus+sign',
    '__proto__',
    'constructor',
    'toString',
    'hasOwnProperty',
    '/subject=x',
  ];

  test.each(SUBJECTS)('%s: create, read, ask, heirs and delete by its percent-encoded form', async (raw) => {
    refusalsOnly = false;
    const subject = raw.startsWith('http') ? `${raw}-${Math.random().toString(16).slice(2, 8)}` : raw;
    const created = await http()
      .post('/az-permissions')
      .set(auth(alice))
      .send({ _subject: subject, _self: { govern: [P.alice], read: [P.alice] } });
    expect({ status: created.status, subject: created.body._subject }).toEqual({ status: 201, subject });
    expect(created.headers.location).toBe(
      /^[\x21-\x7e]*$/.test(subject) && !/[%#&?]/.test(subject) && !subject.startsWith('subject=')
        ? `/az-permissions?${subject}`
        : `/az-permissions?${enc(subject)}`,
    );
    const location = `/az-permissions?${enc(subject)}`;
    const read = await http().get(location).set(auth(alice));
    expect({ status: read.status, subject: read.body._subject }).toEqual({ status: 200, subject });
    const asked = await http()
      .get(`/az-is-allowed?resource=${enc(subject)}&user=${enc(P.alice)}&action=govern`)
      .set(auth(alice));
    expect({ status: asked.status, body: asked.body }).toEqual({ status: 200, body: true });
    const heirs = await http()
      .get(`/az-permissions-heirs?${enc(subject)}`)
      .set(auth(alice));
    expect({ status: heirs.status, contents: heirs.body.contents }).toEqual({ status: 200, contents: [] });
    const deleted = await http().delete(location).set(auth(alice));
    expect({ status: deleted.status, subject: deleted.body._subject }).toEqual({ status: 200, subject });
  });

  test.each(['__proto__', 'constructor', 'toString', 'valueOf'])(
    'an unknown subject %s is a plain 404 on every route that reads one',
    async (subject) => {
      for (const path of ['/az-permissions', '/az-permissions-heirs', '/az-users-who-can-access']) {
        expectClientError(await http().get(`${path}?${subject}`).set(auth(alice)), 404, /permissions not found/);
      }
      expectClientError(await http().get(`/az-tm-${subject}`).set(auth(alice)), 404, /unable to find team/);
      const asked = await http()
        .get(`/az-is-allowed?resource=${subject}&user=${enc(P.alice)}&action=${subject}&property=${subject}`)
        .set(auth(alice));
      expect({ status: asked.status, body: asked.body }).toEqual({ status: 200, body: null });
      const actions = await http()
        .get(`/az-allowed-actions?resource=${subject}&user=${enc(P.alice)}`)
        .set(auth(alice));
      expect({ status: actions.status, body: actions.body }).toEqual({ status: 200, body: [] });
    },
  );

  test('asking about an action or property named like an Object member finds nothing to grant', async () => {
    for (const name of ['constructor', '__proto__', 'toString', 'hasOwnProperty']) {
      const res = await http()
        .get(`/az-is-allowed?resource=${enc(doc)}&user=${enc(P.alice)}&action=${name}`)
        .set(auth(alice));
      expect({ name, status: res.status, body: res.body }).toEqual({ name, status: 200, body: null });
      const prop = await http()
        .get(`/az-is-allowed?resource=${enc(doc)}&user=${enc(P.alice)}&action=read&property=${name}`)
        .set(auth(alice));
      expect({ name, status: prop.status, body: prop.body }).toEqual({ name, status: 200, body: null });
    }
  });
});

describe('wrong methods are 405 with Allow', () => {
  const cases: Array<[string, () => string, string[], string]> = [
    ['/az-permissions', () => `/az-permissions?${doc}`, ['PUT', 'OPTIONS'], 'POST, GET, PATCH, DELETE'],
    ['/az-permissions-heirs', () => `/az-permissions-heirs?${doc}`, ['POST', 'DELETE'], 'GET'],
    ['/az-permissions-heirs-details', () => `/az-permissions-heirs-details?resource=${enc(doc)}`, ['POST'], 'GET'],
    ['/az-users-who-can-access', () => `/az-users-who-can-access?${doc}`, ['PATCH'], 'GET'],
    ['/az-resources-shared-with', () => `/az-resources-shared-with?${enc(P.alice)}`, ['POST'], 'GET'],
    [
      '/az-resources-accessible-by-team-members',
      () => `/az-resources-accessible-by-team-members?${team}`,
      ['DELETE'],
      'GET',
    ],
    ['/az-teams', () => '/az-teams', ['PUT', 'DELETE'], 'POST, GET'],
    ['/az-tm-{id}', () => team, ['POST', 'PUT'], 'GET, PATCH, DELETE'],
    ['/az-events', () => '/az-events', ['GET', 'PUT'], 'POST'],
    ['migration-request', () => '/az-permissions-migration/migration-request', ['GET', 'DELETE'], 'POST'],
    ['re-migration-request', () => '/az-permissions-migration/re-migration-request', ['PUT'], 'POST'],
    ['/az-is-allowed', () => '/az-is-allowed', ['PUT', 'DELETE'], 'GET, POST'],
    ['/az-are-any-allowed', () => '/az-are-any-allowed', ['PATCH'], 'GET, POST'],
    ['/az-allowed-actions', () => '/az-allowed-actions', ['POST'], 'GET'],
    ['/az-allowed-actions-for-resource', () => '/az-allowed-actions-for-resource', ['POST'], 'GET'],
    ['/az-allowed-actions-for-base-and-path', () => '/az-allowed-actions-for-base-and-path', ['DELETE'], 'GET'],
    ['/az-is-allowed-to-inherit-from', () => '/az-is-allowed-to-inherit-from', ['POST'], 'GET'],
  ];
  test.each(cases)('%s', async (_name, path, methods, allow) => {
    for (const method of methods) {
      const res = await rawRequest(legacy.stack.url, {
        method,
        target: path(),
        headers: { authorization: `Bearer ${alice}`, 'content-type': 'application/json' },
        body: '{}',
      });
      expectClientError(res, 405, new RegExp(`method ${method} not allowed`));
      expect({ method, allow: res.headers.allow }).toEqual({ method, allow });
    }
  });
});

describe('HEAD', () => {
  test('HEAD of a document answers like GET without a body', async () => {
    const get = await http().get(`/az-permissions?${doc}`).set(auth(alice));
    const res = await rawRequest(legacy.stack.url, {
      method: 'HEAD',
      target: `/az-permissions?${doc}`,
      headers: { authorization: `Bearer ${alice}` },
    });
    expect({ status: res.status, etag: res.headers.etag, text: res.text }).toEqual({
      status: 200,
      etag: get.headers.etag,
      text: '',
    });
  });

  test('HEAD of a question, of a team and of a missing document keep their GET status', async () => {
    const targets: Array<[string, number]> = [
      [`/az-is-allowed?resource=${enc(doc)}&user=${enc(P.alice)}&action=read`, 200],
      [team, 200],
      [`/az-permissions?${doc}-missing`, 404],
      ['/az-teams', 400],
    ];
    for (const [target, status] of targets) {
      const res = await rawRequest(legacy.stack.url, {
        method: 'HEAD',
        target,
        headers: { authorization: `Bearer ${alice}` },
      });
      expect({ target, status: res.status, text: res.text }).toEqual({ target, status, text: '' });
    }
  });

  test('HEAD of a POST-only route is a 405', async () => {
    const res = await rawRequest(legacy.stack.url, {
      method: 'HEAD',
      target: '/az-permissions-migration/migration-request',
      headers: { authorization: `Bearer ${alice}` },
    });
    expect({ status: res.status, allow: res.headers.allow }).toEqual({ status: 405, allow: 'POST' });
  });
});

describe('If-Match in odd forms', () => {
  const patchDoc = (ifMatch: string | undefined) => {
    const req = http()
      .patch(`/az-permissions?${doc}`)
      .set(auth(alice))
      .set('Content-Type', 'application/merge-patch+json');
    if (ifMatch !== undefined) req.set('If-Match', ifMatch);
    return req.send({ note: 'x' });
  };
  const patchTeam = (ifMatch: string | undefined) => {
    const req = http().patch(team).set(auth(alice)).set('Content-Type', 'application/merge-patch+json');
    if (ifMatch !== undefined) req.set('If-Match', ifMatch);
    return req.send({ note: 'x' });
  };

  test.each([
    ['missing', undefined, /missing If-Match header/],
    ['empty', '', /missing If-Match header/],
    ['an etag of another version', '"e1"', /If-Match header does not match etag/],
    ['a list of other etags', '"e0", "x1"', /If-Match header does not match etag/],
    ['not an etag at all', 'garbage', /If-Match header does not match etag/],
    ['a huge number', `"e${'9'.repeat(40)}"`, /If-Match header does not match etag/],
  ])('%s is a 412 on documents and teams', async (_name, ifMatch, msg) => {
    expectClientError(await patchDoc(ifMatch), 412, msg);
    expectClientError(await patchTeam(ifMatch), 412, msg);
  });

  test('the weak and quoted forms of the current etag are accepted', async () => {
    refusalsOnly = false;
    const current = (await http().get(`/az-permissions?${doc}`).set(auth(alice))).headers.etag;
    const weak = await patchDoc(`W/"${current}"`);
    expect(weak.status).toBe(200);
    const quoted = await patchDoc(`"${weak.headers.etag}"`);
    expect(quoted.status).toBe(200);
  });

  test('`*` and a list that holds the current etag are accepted (RFC 9110)', async () => {
    refusalsOnly = false;
    const any = await patchDoc('*');
    expect(any.status).toBe(200);
    const listed = await patchDoc(`"e0", "${any.headers.etag}"`);
    expect(listed.status).toBe(200);
  });
});
