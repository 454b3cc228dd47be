import { createTestDatabase, type TestDatabase } from '@permissions/store/test-support';
import {
  createEventGc,
  deleteOldEvents,
  listListeners,
  readMaxDeletedSeq,
  registerListener,
  silentLogger,
} from '../src';
import { createDocument, recordingListener, uniqueSubject, type RecordingListener } from './listener-harness';

let db: TestDatabase;
const open: RecordingListener[] = [];
const HOUR = 3_600_000;

beforeAll(async () => {
  db = await createTestDatabase();
});
afterEach(async () => {
  for (const { listener } of open.splice(0)) await listener.close();
});
afterAll(() => db.drop());

/** Test-only time travel: makes events up to `seq` look created two hours ago. */
async function age(throughSeq: number): Promise<void> {
  await db.pool.query(`UPDATE events SET created_at = created_at - interval '2 hours' WHERE seq <= $1`, [throughSeq]);
}

async function eventSeqs(): Promise<number[]> {
  const { rows } = await db.pool.query<{ seq: string }>('SELECT seq FROM events ORDER BY seq');
  return rows.map((row) => Number(row.seq));
}

async function started(): Promise<RecordingListener> {
  const record = recordingListener(db.pool, db.store, { holeTimeoutMs: 60_000 });
  open.push(record);
  await record.listener.start();
  return record;
}

const gc = (retentionMs = HOUR) =>
  createEventGc({ pool: db.pool, retentionMs, listenerTtlMs: 60_000, intervalMs: 60_000, log: silentLogger });

describe('event gc', () => {
  it('deletes events older than the retention, records the highest deleted seq, and keeps the rest', async () => {
    const old = [
      await createDocument(db.store, uniqueSubject('a')),
      await createDocument(db.store, uniqueSubject('b')),
    ];
    const recent = await createDocument(db.store, uniqueSubject('c'));
    await age(old[1]!);
    const result = await gc().runOnce();
    expect(result.deletedEvents).toBe(2);
    expect(result.maxDeletedSeq).toBe(old[1]);
    expect(await readMaxDeletedSeq(db.pool)).toBe(old[1]);
    expect(await eventSeqs()).toEqual([recent]);

    // Nothing old left: the mark stays where it is.
    expect((await gc().runOnce()).deletedEvents).toBe(0);
    expect(await readMaxDeletedSeq(db.pool)).toBe(old[1]);
  });

  it('deletes listeners not renewed within the TTL and keeps fresh ones', async () => {
    await registerListener(db.pool, 'http://stale.invalid');
    await registerListener(db.pool, 'http://fresh.invalid');
    await db.pool.query(`UPDATE listeners SET renewed_at = renewed_at - interval '1 hour' WHERE url = $1`, [
      'http://stale.invalid',
    ]);
    const result = await gc().runOnce();
    expect(result.deletedListeners).toEqual(['http://stale.invalid']);
    expect(await listListeners(db.pool)).toContain('http://fresh.invalid');
    expect(await listListeners(db.pool)).not.toContain('http://stale.invalid');
  });

  it('is safe when several collectors run at once', async () => {
    const seqs: number[] = [];
    for (let i = 0; i < 12; i++) seqs.push(await createDocument(db.store, uniqueSubject('many')));
    const keep = await createDocument(db.store, uniqueSubject('keep'));
    await age(seqs.at(-1)!);
    // Earlier tests' remaining events are aged too.
    const old = (await eventSeqs()).filter((seq) => seq <= seqs.at(-1)!);
    const runs = await Promise.all([1, 2, 3, 4].map(() => deleteOldEvents(db.pool, HOUR, 2)));
    expect(runs.reduce((sum, run) => sum + run.deleted, 0)).toBe(old.length);
    expect(await readMaxDeletedSeq(db.pool)).toBe(seqs.at(-1));
    expect(await eventSeqs()).toEqual([keep]);
  });

  it('makes a listener that fell behind it drop its caches exactly once, and one that kept up not at all', async () => {
    const behind = await started();
    const upToDate = await started();
    const lost = [
      await createDocument(db.store, uniqueSubject('lost')),
      await createDocument(db.store, uniqueSubject('lost')),
    ];
    await upToDate.listener.pollNow();
    const after = uniqueSubject('after-gc');
    const afterSeq = await createDocument(db.store, after);
    await age(lost[1]!);
    await gc().runOnce();

    await behind.listener.pollNow();
    expect(behind.resets).toBe(1);
    expect(behind.listener.appliedThrough()).toBeGreaterThanOrEqual(afterSeq);
    expect(await behind.listener.waitFor(afterSeq, 0)).toBe(true);
    await behind.listener.pollNow();
    await behind.listener.pollNow();
    expect(behind.resets).toBe(1);

    await upToDate.listener.pollNow();
    expect(upToDate.resets).toBe(0);
    expect(upToDate.applied(after)).toBe(1);
  });

  it('starts a new listener above what GC deleted, without a reset', async () => {
    const seq = await createDocument(db.store, uniqueSubject('gone'));
    await age(seq);
    await gc().runOnce();
    const record = await started();
    expect(record.listener.appliedThrough()).toBeGreaterThanOrEqual(seq);
    await record.listener.pollNow();
    expect(record.resets).toBe(0);
  });

  it('runs on its interval once started and stops on close', async () => {
    const seq = await createDocument(db.store, uniqueSubject('timed'));
    await age(seq);
    const timed = createEventGc({ pool: db.pool, listenerTtlMs: 60_000, intervalMs: 20, log: silentLogger });
    timed.start();
    const deadline = Date.now() + 10_000;
    while ((await readMaxDeletedSeq(db.pool)) < seq && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 10));
    await timed.close();
    expect(await readMaxDeletedSeq(db.pool)).toBeGreaterThanOrEqual(seq);
  });
});
