import {
  createTestDatabase,
  explainChecked,
  HOT_QUERIES,
  type HotQueryName,
  type TestDatabase,
} from '../src/test-support';

/**
 * Each hot query is served by the index meant for it (CONTRACT §4.3). With enable_seqscan off, even these tiny tables
 * show the index the planner would pick at scale; the 100 000-document test shows it with the planner left alone.
 */
let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
  await db.store.write(async (tx) => {
    await tx.createDocument({ _subject: '/root', _metadata: { sharedWith: ['https://issuer.example#alice'] } });
    await tx.createDocument({ _subject: '/child', _inheritsPermissionsOf: ['/root'] });
    await tx.createTeam('/az-tm-a', { isA: 'Team', members: ['https://issuer.example#alice'] });
  });
});

afterAll(async () => {
  await db?.drop();
});

const PARAMS: Record<HotQueryName, unknown[]> = {
  'ancestors-with-documents': [['/child']],
  heirs: ['/root'],
  'transitive-heirs': ['/root'],
  'heir-documents': ['/root'],
  'shared-with': [['https://issuer.example#alice']],
  'shared-with-and-heirs': [['https://issuer.example#alice']],
  'teams-of-principal': ['https://issuer.example#alice'],
  'teams-of-principal-except': ['https://issuer.example#alice', ['/az-tm-a'], [1]],
  'events-after': [0, 100],
  'lock-chain-share': [['/child']],
  'lock-documents-share': [['/root', '/child']],
  'lock-documents-update': [['/root', '/child']],
  'lock-teams-of-principal': ['https://issuer.example#alice'],
  'team-members': [['/az-tm-a']],
  'count-teams-of-principals': [['https://issuer.example#alice']],
  'heirs-depth': ['/root', 32],
  'heirs-depths': [['/root', '/child'], 32],
  'subjects-naming-principal': ['https://issuer.example#alice', 100],
  'lock-teams-update': [['/az-tm-a']],
  'teams-with-roles-on': ['/root'],
  'subjects-at-or-under': ['/root'],
  namespaces: ['', 100],
  'lease-acquire': ['http://legacy.example/v1/o/acme', 'owner', 1000],
  'lease-renew': ['http://legacy.example/v1/o/acme', 'owner', 1000],
  'lease-finish': ['http://legacy.example/v1/o/acme', 'owner', '{}'],
  'lease-drop-unfinished': ['http://legacy.example/v1/o/acme', 'owner'],
  'lease-release': ['http://legacy.example/v1/o/acme', 'owner'],
  'lease-mark-checked': ['http://legacy.example/v1/o/acme'],
  'migrations-due': [1000, 100],
};

test.each(Object.keys(HOT_QUERIES) as HotQueryName[])('%s uses its index', async (name) => {
  const plan = await explainChecked(db.pool).expectIndexUsed(name, PARAMS[name]);
  expect(plan.seqScans).toEqual([]);
});

test('a query that no index serves fails the check', async () => {
  const explain = explainChecked(db.pool, {
    'by-json-field': {
      sql: `SELECT subject FROM permissions WHERE data->>'_subject' = $1`,
      indexes: ['permissions_pkey'],
    },
  });
  await expect(explain.expectIndexUsed('by-json-field', ['/root'])).rejects.toThrow(
    /by-json-field does not use permissions_pkey/,
  );
});
