import { explainChecked, createTestDatabase, type TestDatabase } from '@permissions/store/test-support';
import { DELETE_OLD_EVENTS_SQL } from '../src/event-gc';
import { START_SEQ_SQL } from '../src/event-listener';

/** The events package's own queries over `events` find their rows by index, never by scanning the table. */
let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db.drop());

const QUERIES = {
  'start-seq': { sql: START_SEQ_SQL, indexes: ['events_created_at_idx'] },
  'delete-old-events': { sql: DELETE_OLD_EVENTS_SQL, indexes: ['events_created_at_idx', 'events_pkey'] },
};

test.each([
  ['start-seq', [60_000]],
  ['delete-old-events', [3_600_000, 5000]],
] as const)('%s uses its indexes', async (name, params) => {
  const plan = await explainChecked(db.pool, QUERIES).expectIndexUsed(name, [...params]);
  expect(plan.seqScans).not.toContain('events');
});
