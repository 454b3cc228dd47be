import { randomBytes, randomInt } from 'node:crypto';
import { MAX_PRINCIPAL_BYTES, MAX_SUBJECT_BYTES, utf8Length } from '@permissions/model';
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
  async waitingForLock() {
    const { rows } = await db.pool.query<{ waiting: number }>(
      `SELECT count(*)::int AS waiting FROM pg_stat_activity
       WHERE datname = current_database() AND wait_event_type = 'Lock'`,
    );
    return (rows[0]?.waiting ?? 0) > 0;
  },
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

  test('subjects and principals at their length bounds fit every index, even when they do not compress', async () => {
    // Random text compresses no better than it is; multi-byte characters make the most bytes of the fewest.
    const randomText = (bytes: number, prefix: string): string => {
      let text = prefix;
      while (utf8Length(text) + 3 <= bytes) text += String.fromCodePoint(0x4e00 + randomInt(0x5000));
      while (utf8Length(text) < bytes) text += randomBytes(1).toString('hex')[0];
      return text;
    };
    const parent = randomText(MAX_SUBJECT_BYTES, '/p/');
    const child = randomText(MAX_SUBJECT_BYTES, '/c/');
    const principal = randomText(MAX_PRINCIPAL_BYTES, 'https://issuer.example#');
    expect([parent, child, principal].map(utf8Length)).toEqual([
      MAX_SUBJECT_BYTES,
      MAX_SUBJECT_BYTES,
      MAX_PRINCIPAL_BYTES,
    ]);
    await db.store.write(async (tx) => {
      await tx.createDocument({
        _subject: parent,
        _self: { govern: [principal] },
        _metadata: { sharedWith: [principal] },
      });
      await tx.createDocument({
        _subject: child,
        _inheritsPermissionsOf: [parent],
        _metadata: { sharedWith: [principal] },
      });
      await tx.createTeam(`/az-tm-${randomBytes(8).toString('hex')}`, { isA: 'Team', members: [principal] });
    });
    expect(await db.store.getHeirs(parent)).toEqual([child]);
    expect(await db.store.getSubjectsSharedWith([principal])).toEqual([child, parent].sort());
  });
});
