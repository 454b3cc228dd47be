import { ANCESTORS_WITH_DOCUMENTS_SQL } from '../src/ancestors';
import { createTestDatabase, type TestDatabase } from '../src/test-support';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db?.drop());

const normalise = (sql: string) => sql.replace(/\s+/g, ' ').trim();

test('the permission_ancestors function runs exactly the walk whose plan the index checks verify', async () => {
  const { rows } = await db.pool.query<{ prosrc: string }>(
    "SELECT prosrc FROM pg_proc WHERE proname = 'permission_ancestors'",
  );
  expect(rows).toHaveLength(1);
  expect(normalise(rows[0].prosrc)).toBe(normalise(ANCESTORS_WITH_DOCUMENTS_SQL.replace('$1::text[]', 'subjects')));
});

test('the function walks a long chain and keeps its planner settings to itself', async () => {
  await db.pool.query(`
    INSERT INTO permissions (subject, seq, data)
      SELECT 'd' || i, 1, jsonb_build_object('_subject', 'd' || i) FROM generate_series(0, 3000) i;
    INSERT INTO permission_parents (subject, parent, position)
      SELECT 'd' || i, 'd' || (i - 1), 0 FROM generate_series(1, 3000) i;
    ANALYZE permissions; ANALYZE permission_parents;`);
  const client = await db.pool.connect();
  try {
    const { rows } = await client.query<{ subject: string }>('SELECT subject FROM permission_ancestors($1)', [['d20']]);
    expect(rows.map((r) => r.subject).sort()).toHaveLength(21);
    // The settings travel with the function: outside it the session's own settings are untouched.
    const { rows: setting } = await client.query<{ enable_hashjoin: string }>('SHOW enable_hashjoin');
    expect(setting[0].enable_hashjoin).toBe('on');
  } finally {
    client.release();
  }
  const { rows: config } = await db.pool.query<{ proconfig: string[] }>(
    "SELECT proconfig FROM pg_proc WHERE proname = 'permission_ancestors'",
  );
  expect(config[0].proconfig).toEqual(
    expect.arrayContaining(['enable_hashjoin=off', 'enable_mergejoin=off', 'enable_seqscan=off']),
  );
});
