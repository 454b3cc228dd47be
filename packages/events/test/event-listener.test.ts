import { UnauthorizedError } from '@permissions/model';
import { createTestDatabase, type TestDatabase } from '@permissions/store/test-support';
import { listListeners, serializeBroadcast, signBroadcast } from '../src';
import {
  commitHeldWrites,
  createDocument,
  eventually,
  heldWrite,
  recordingListener,
  rolledBackWrite,
  SECRET,
  sleep,
  uniqueSubject,
  type RecordingListener,
} from './listener-harness';

let db: TestDatabase;
const open: RecordingListener[] = [];

beforeAll(async () => {
  db = await createTestDatabase();
});
afterEach(async () => {
  await commitHeldWrites();
  for (const { listener } of open.splice(0)) await listener.close();
});
afterAll(() => db.drop());

async function started(options: Parameters<typeof recordingListener>[2]): Promise<RecordingListener> {
  const record = recordingListener(db.pool, db.store, options);
  open.push(record);
  await record.listener.start();
  return record;
}

describe('event listener', () => {
  it('registers itself at start, renews the registration, and unregisters on close', async () => {
    const record = recordingListener(db.pool, db.store, { holeTimeoutMs: 1000, heartbeatMs: 20 });
    const { url } = record;
    await record.listener.start();
    expect(await listListeners(db.pool)).toContain(url);
    const renewedAt = async (): Promise<number> => {
      const { rows } = await db.pool.query<{ t: Date }>('SELECT renewed_at AS t FROM listeners WHERE url = $1', [url]);
      return rows[0]!.t.getTime();
    };
    const first = await renewedAt();
    let renewed = first;
    const deadline = Date.now() + 10_000;
    while (renewed === first && Date.now() < deadline) {
      await sleep(20);
      renewed = await renewedAt();
    }
    expect(renewed).toBeGreaterThan(first);
    await record.listener.close();
    expect(await listListeners(db.pool)).not.toContain(url);
  });

  it('does not replay history older than a transaction can last', async () => {
    const subject = uniqueSubject('old');
    const seq = await createDocument(db.store, subject);
    await sleep(150);
    const record = await started({ holeTimeoutMs: 100 });
    expect(record.listener.appliedThrough()).toBeGreaterThanOrEqual(seq);
    expect(record.applied(subject)).toBe(0);
  });

  it('applies a signed broadcast once, even if it arrives twice, and advances the watermark', async () => {
    const record = await started({ holeTimeoutMs: 60_000 });
    const subject = uniqueSubject('broadcast');
    const seq = await createDocument(db.store, subject);
    const [event] = (await db.store.getEventsAfter(seq - 1, 1)).filter((e) => e.seq === seq);
    const body = serializeBroadcast([event!]);
    const headers = Object.fromEntries(
      Object.entries(signBroadcast(body, SECRET, Date.now())).map(([k, v]) => [k.toLowerCase(), v]),
    );
    await record.listener.receive(Buffer.from(body), headers);
    await record.listener.receive(Buffer.from(body), headers);
    expect(record.applied(subject)).toBe(1);
    expect(record.listener.appliedThrough()).toBeGreaterThanOrEqual(seq);
    expect(await record.listener.waitFor(seq, 0)).toBe(true);
  });

  it('refuses an unsigned broadcast and applies nothing from it', async () => {
    const record = await started({ holeTimeoutMs: 60_000 });
    const body = Buffer.from(
      serializeBroadcast([
        { seq: 1e9, topic: 'permissions', action: 'delete', subject: '/x', members: [], createdAt: new Date() },
      ]),
    );
    await expect(record.listener.receive(body, {})).rejects.toBeInstanceOf(UnauthorizedError);
    expect(record.listener.status().highestSeen).toBeLessThan(1e9);
  });

  it('catches by polling an event whose broadcast was lost', async () => {
    const record = await started({ holeTimeoutMs: 60_000, pollIntervalMs: 25 });
    const subject = uniqueSubject('lost');
    await createDocument(db.store, subject);
    await eventually(() => record.applied(subject) === 1);
  });

  it('waits for a rolled-back write without dropping caches, then skips its hole', async () => {
    const holeTimeoutMs = 300;
    const record = await started({ holeTimeoutMs });
    const before = uniqueSubject('before-hole');
    const after = uniqueSubject('after-hole');
    const a = await createDocument(db.store, before);
    const hole = await rolledBackWrite(db.store, uniqueSubject('rolled-back'));
    const b = await createDocument(db.store, after);
    expect(a).toBeLessThan(hole);
    expect(hole).toBeLessThan(b);

    await record.listener.pollNow();
    // Both committed events are applied at once; the watermark waits below the hole, which became known just now.
    expect(record.applied(before)).toBe(1);
    expect(record.applied(after)).toBe(1);
    expect(record.listener.appliedThrough()).toBeLessThan(hole);
    expect(record.listener.status().pendingHoles).toBeGreaterThanOrEqual(1);
    expect(await record.listener.waitFor(b, 0)).toBe(true);

    await sleep(holeTimeoutMs + 50);
    await record.listener.pollNow();
    expect(record.listener.appliedThrough()).toBeGreaterThanOrEqual(b);
    expect(record.listener.status().pendingHoles).toBe(0);

    const later = uniqueSubject('later');
    await createDocument(db.store, later);
    await record.listener.pollNow();
    expect(record.applied(later)).toBe(1);
    expect(record.applied(before)).toBe(1);
    expect(record.applied(after)).toBe(1);
    expect(record.resets).toBe(0);
  });

  it('skips a hole on its own timer, with periodic polls only', async () => {
    const record = await started({ holeTimeoutMs: 100, pollIntervalMs: 20 });
    const hole = await rolledBackWrite(db.store, uniqueSubject('rolled-back'));
    const b = await createDocument(db.store, uniqueSubject('after-hole'));
    await eventually(() => record.listener.appliedThrough() >= b);
    expect(hole).toBeLessThan(b);
    expect(record.resets).toBe(0);
  });

  it('does not skip an in-flight transaction before the hole timeout and applies it once committed', async () => {
    const record = await started({ holeTimeoutMs: 60_000 });
    const slow = uniqueSubject('slow');
    const held = await heldWrite(db.store, slow);
    const fast = uniqueSubject('fast');
    const b = await createDocument(db.store, fast);
    expect(held.seq).toBeLessThan(b);

    for (let i = 0; i < 3; i++) await record.listener.pollNow();
    expect(record.applied(fast)).toBe(1);
    expect(record.applied(slow)).toBe(0);
    expect(record.listener.appliedThrough()).toBeLessThan(held.seq);
    expect(await record.listener.waitFor(held.seq, 50)).toBe(false);
    // Holes of earlier tests in this database may be pending too (they are younger than this hole timeout).
    const pendingWhileOpen = record.listener.status().pendingHoles;

    await held.commit();
    expect(await record.listener.waitFor(held.seq, 10_000)).toBe(true);
    expect(record.applied(slow)).toBe(1);
    expect(record.listener.status().pendingHoles).toBe(pendingWhileOpen - 1);
    expect(record.resets).toBe(0);
  });

  it('applies a transaction that was in flight when the listener started', async () => {
    const slow = uniqueSubject('in-flight-at-start');
    const held = await heldWrite(db.store, slow);
    const record = await started({ holeTimeoutMs: 60_000 });
    expect(record.listener.appliedThrough()).toBeLessThan(held.seq);
    await held.commit();
    await record.listener.pollNow();
    expect(record.applied(slow)).toBe(1);
  });

  it('waitFor resolves true for a committed event without any broadcast', async () => {
    const record = await started({ holeTimeoutMs: 60_000 });
    const subject = uniqueSubject('wait');
    const seq = await createDocument(db.store, subject);
    expect(await record.listener.waitFor(seq, 10_000)).toBe(true);
    expect(record.applied(subject)).toBe(1);
  });

  it('waitFor resolves false after the timeout for a seq that never comes', async () => {
    const record = await started({ holeTimeoutMs: 60_000 });
    const never = (await db.store.getLastSeq()) + 1_000_000;
    expect(await record.listener.waitFor(never, 100)).toBe(false);
  });

  it('concurrent waitFor calls share polls and all resolve', async () => {
    const record = await started({ holeTimeoutMs: 60_000 });
    const seqs = await Promise.all([1, 2, 3].map(() => createDocument(db.store, uniqueSubject('many'))));
    const results = await Promise.all(
      seqs.flatMap((seq) => [record.listener.waitFor(seq, 10_000), record.listener.waitFor(seq, 10_000)]),
    );
    expect(results.every(Boolean)).toBe(true);
  });

  it('close resolves pending waits with false and stops applying', async () => {
    const record = recordingListener(db.pool, db.store, { holeTimeoutMs: 60_000 });
    await record.listener.start();
    const pending = record.listener.waitFor(Number.MAX_SAFE_INTEGER, 60_000);
    await record.listener.close();
    expect(await pending).toBe(false);
    expect(await record.listener.waitFor(Number.MAX_SAFE_INTEGER, 10)).toBe(false);
  });
});
