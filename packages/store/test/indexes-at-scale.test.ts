import { createTestDatabase, explainChecked, type TestDatabase } from '../src/test-support';

/**
 * 100 000 documents, each inheriting from one of a few thousand parents and shared with one of 5 000 principals. With
 * the planner's statistics and sequential scans allowed, heirs and shared-with still choose their indexes (CONTRACT
 * §4.3): a lookup stays a lookup as the tables grow.
 */
let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
  // One INSERT … SELECT per table: generate_series fills 100 000 rows in well under a second on an idle machine, but
  // the pool's statement timeout (a product setting) must not fail the setup on a loaded one. Documents are numbered
  // from 0: every parent a row names must exist.
  const setup = await db.pool.connect();
  try {
    await setup.query('SET statement_timeout = 0');
    await fill(setup);
  } finally {
    setup.release();
  }
});

async function fill(client: { query(sql: string): Promise<unknown> }): Promise<void> {
  await client.query(`
    INSERT INTO permissions (subject, seq, data)
    SELECT '/doc/' || g, g, jsonb_build_object('_subject', '/doc/' || g, '_inheritsPermissionsOf',
           jsonb_build_array('/doc/' || (g / 20)), '_metadata', jsonb_build_object('sharedWith',
           jsonb_build_array('https://issuer.example#user-' || (g % 5000))))
    FROM generate_series(0, 100000) AS g`);
  await client.query(`
    INSERT INTO permission_parents (subject, parent, position)
    SELECT '/doc/' || g, '/doc/' || (g / 20), 1 FROM generate_series(1, 100000) AS g`);
  await client.query(`
    INSERT INTO permission_shared_with (subject, principal)
    SELECT '/doc/' || g, 'https://issuer.example#user-' || (g % 5000) FROM generate_series(1, 100000) AS g`);
  await client.query('ANALYZE permissions, permission_parents, permission_shared_with');
}

afterAll(async () => {
  await db?.drop();
});

test('heirs use permission_parents_parent_idx with sequential scans allowed', async () => {
  const plan = await explainChecked(db.pool).expectIndexUsed('heirs', ['/doc/42'], { seqscan: true });
  expect(plan.seqScans).toEqual([]);
  expect(await db.store.getHeirs('/doc/42')).toHaveLength(20);
});

test('shared-with uses permission_shared_with_principal_idx with sequential scans allowed', async () => {
  const plan = await explainChecked(db.pool).expectIndexUsed('shared-with', [['https://issuer.example#user-7']], {
    seqscan: true,
  });
  expect(plan.seqScans).toEqual([]);
  expect(await db.store.getSubjectsSharedWith(['https://issuer.example#user-7'])).toHaveLength(20);
});

test('ancestors walk the primary key of permission_parents with sequential scans allowed', async () => {
  const plan = await explainChecked(db.pool).expectIndexUsed('ancestors-with-documents', [['/doc/99999']], {
    seqscan: true,
  });
  expect(plan.seqScans).toEqual([]);
  // /doc/99999 → 4999 → 249 → 12 → 0 (which names no parent row)
  const found = await db.store.getDocumentsWithAncestors(['/doc/99999']);
  expect([...found.keys()].sort()).toEqual(['/doc/0', '/doc/12', '/doc/249', '/doc/4999', '/doc/99999']);
  expect(found.get('/doc/0')?.document._subject).toBe('/doc/0');
});
