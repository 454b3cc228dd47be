import { createPgStore } from '../src';
import { createRawReads, createTestDatabase, describeStoreConformance, type TestDatabase } from '../src/test-support';

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
});

afterAll(async () => {
  await db?.drop();
});

describeStoreConformance({
  makeStore: () => db.store,
  raw: () => createRawReads(db.pool),
});

describe('pg store beyond the shared contract', () => {
  test('a failing onCommit hook is reported and does not fail the committed write', async () => {
    const reported: unknown[] = [];
    const store = createPgStore(db.pool, { onHookError: (error) => reported.push(error) });
    const seen: number[] = [];
    store.onCommit(() => {
      throw new Error('hook broke');
    });
    store.onCommit((events) => {
      seen.push(...events.map((e) => e.seq));
    });

    const written = await store.write((tx) =>
      tx.createDocument({ _subject: '/hook-test', _self: { govern: ['https://issuer.example#o'] } }),
    );

    expect(written.seq).not.toBeNull();
    expect(seen).toEqual([written.seq]);
    expect(reported).toEqual([expect.objectContaining({ message: 'hook broke' })]);
    expect(await store.getDocument('/hook-test')).not.toBeNull();
  });

  test('every pooled connection carries the statement and idle-in-transaction timeouts', async () => {
    const { rows } = await db.pool.query<{ statement_timeout: string; idle: string; app: string }>(
      `SELECT current_setting('statement_timeout') AS statement_timeout,
              current_setting('idle_in_transaction_session_timeout') AS idle,
              current_setting('application_name') AS app`,
    );
    expect(rows[0]).toEqual({ statement_timeout: '5s', idle: '10s', app: 'permissions-test' });
  });
});
