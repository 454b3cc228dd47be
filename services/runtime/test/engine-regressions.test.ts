import { auth, createDocument, createTeam, governed, query, subjectFor, useStack } from './runtime-fixtures';

/** Engine defects of the original, seen through the runtime's HTTP answers. */
const rt = useStack();

async function get(path: string, pairs: Array<[string, string]>, who: 'alice' | 'bob') {
  const res = await rt()
    .stack.http.get(`${path}?${query([...pairs, ['user', rt().p[who]]])}`)
    .set(auth(rt().tokens[who]));
  expect(res.status).toBe(200);
  return JSON.parse(res.text) as unknown;
}

test('allowed actions under two wideningForbidden ancestors are the intersection of their grants (B8)', async () => {
  const r = rt();
  const { alice } = r.p;
  const a = subjectFor('narrow-a');
  const b = subjectFor('narrow-b');
  const resource = subjectFor('narrowed');
  const narrowing = { wideningForbidden: true };
  await createDocument(
    r,
    governed(r, a, { _self: { govern: [alice], read: [alice], update: [alice] }, _constraints: narrowing }),
  );
  await createDocument(
    r,
    governed(r, b, { _self: { govern: [alice], read: [alice], delete: [alice] }, _constraints: narrowing }),
  );
  await createDocument(r, {
    _subject: resource,
    _inheritsPermissionsOf: [a, b],
    _self: { update: [alice], delete: [alice] },
  });

  // admin defaults to the governors, so both ancestors grant read, admin and govern; update and delete are vetoed.
  const intersection = ['read', 'admin', 'govern'];
  expect(await get('/az-allowed-actions-for-resource', [['resource', resource]], 'alice')).toEqual(intersection);
  expect(await get('/az-allowed-actions', [['resource', resource]], 'alice')).toEqual(intersection);
  expect(
    await get(
      '/az-is-allowed',
      [
        ['resource', resource],
        ['action', 'update'],
      ],
      'alice',
    ),
  ).toBe(false);
  expect(
    await get(
      '/az-is-allowed',
      [
        ['resource', resource],
        ['action', 'read'],
      ],
      'alice',
    ),
  ).toBe(true);
});

test('a role base …/o/acme covers …/o/acme/x but not …/o/acmecorp/x (W2)', async () => {
  const r = rt();
  const org = `${subjectFor('orgs')}/o/acme`;
  await createDocument(r, governed(r, org));
  const { seq } = await createTeam(r, { members: [r.p.bob], roles: { [org]: { '/': ['read'] } } });
  const ask = (resource: string) =>
    get(
      '/az-is-allowed',
      [
        ['resource', resource],
        ['action', 'read'],
        ['atLeast', String(seq)],
      ],
      'bob',
    );
  expect(await ask(`${org}/x`)).toBe(true);
  expect(await ask(org)).toBe(true);
  expect(await ask(`${org}corp/x`)).toBeNull();
  expect(await get('/az-allowed-actions', [['resource', `${org}corp/x`]], 'bob')).toEqual([]);
});

test('allowed actions: an empty action list is ignored and an issuer wildcard grants only its issuer (W11)', async () => {
  const r = rt();
  const { alice } = r.p;
  const issuer = alice.slice(0, alice.indexOf('#'));
  const resource = subjectFor('wildcards');
  // Maintenance refuses untrusted issuers today; stored data from older writers may still name one, so the document
  // goes straight into the store.
  await r.stack.db.store.write((tx) =>
    tx.createDocument({
      _subject: resource,
      _self: {
        govern: [alice],
        read: [`${issuer}#anyone`],
        update: ['http://elsewhere.example#anyone', alice],
        notify: [],
      },
      events: { read: [] },
      _metadata: { sharedWith: [alice] },
    }),
  );
  expect(await get('/az-allowed-actions', [['resource', resource]], 'bob')).toEqual(['read']);
  expect(
    await get(
      '/az-allowed-actions',
      [
        ['resource', resource],
        ['property', 'events'],
      ],
      'bob',
    ),
  ).toEqual([]);
  expect(await get('/az-allowed-actions', [['resource', resource]], 'alice')).toEqual(['read', 'govern', 'update']); // jsonb key order;
  expect(
    await get(
      '/az-is-allowed',
      [
        ['resource', resource],
        ['action', 'update'],
      ],
      'bob',
    ),
  ).toBeNull();
});
