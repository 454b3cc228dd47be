import { createTestDatabase, type TestDatabase } from '@permissions/store/test-support';
import {
  attachBroadcaster,
  createBroadcaster,
  MAX_CLOCK_SKEW_MS,
  registerListener,
  serializeBroadcast,
  signBroadcast,
  silentLogger,
  type Broadcaster,
} from '../src';
import {
  createDocument,
  recordingListener,
  SECRET,
  serveListener,
  serveNothing,
  uniqueSubject,
  type RecordingListener,
} from './listener-harness';

let db: TestDatabase;
const cleanups: Array<() => Promise<void>> = [];

beforeAll(async () => {
  db = await createTestDatabase();
});
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  await db.pool.query('DELETE FROM listeners');
});
afterAll(() => db.drop());

/** A started listener behind a real HTTP endpoint, registered under that endpoint's URL. */
async function servedListener(
  onBody: (raw: Buffer) => void = () => undefined,
): Promise<{ record: RecordingListener; url: string }> {
  let receive: RecordingListener['listener']['receive'] = async () => undefined;
  const server = await serveListener((raw, headers) => {
    onBody(raw);
    return receive(raw, headers);
  });
  const record = recordingListener(db.pool, db.store, { holeTimeoutMs: 60_000, listenerUrl: server.url });
  receive = record.listener.receive;
  await record.listener.start();
  cleanups.push(
    () => server.close(),
    () => record.listener.close(),
  );
  return { record, url: server.url };
}

async function startedBroadcaster(
  options: { waitMs?: number; requestTimeoutMs?: number; secret?: string; maxBodyBytes?: number } = {},
) {
  const broadcaster = createBroadcaster({
    pool: db.pool,
    secret: options.secret ?? SECRET,
    refreshMs: 60_000,
    log: silentLogger,
    ...options,
  });
  await broadcaster.start();
  cleanups.push(() => broadcaster.close());
  return broadcaster;
}

function post(url: string, body: string, headers: Record<string, string>): Promise<Response> {
  return fetch(`${url}/az-events`, {
    method: 'POST',
    body,
    headers: { 'content-type': 'application/json', ...headers },
  });
}

describe('broadcaster and listener over HTTP', () => {
  it('delivers a signed broadcast that the listener applies before the write answers', async () => {
    const { record, url } = await servedListener();
    // A long wait makes "answered after the listener applied it" deterministic; in production it is ~50 ms.
    const broadcaster = await startedBroadcaster({ waitMs: 10_000 });
    expect(broadcaster.listeners()).toEqual([url]);
    const store = attachBroadcaster(db.store, broadcaster);
    const subject = uniqueSubject('broadcast');
    const seq = await createDocument(store, subject);
    expect(record.applied(subject)).toBe(1);
    expect(record.listener.appliedThrough()).toBeGreaterThanOrEqual(seq);
  });

  it('sends the events of a large write in bodies of at most maxBodyBytes; the listener applies every one', async () => {
    const sizes: number[] = [];
    const { record } = await servedListener((raw) => sizes.push(raw.length));
    const broadcaster = await startedBroadcaster({ waitMs: 10_000, maxBodyBytes: 4096 });
    const store = attachBroadcaster(db.store, broadcaster);
    const subjects = Array.from({ length: 200 }, (_, i) => uniqueSubject(`large-write-${i}`));
    await store.write(async (tx) => {
      for (const subject of subjects) await tx.createDocument({ _subject: subject });
    });
    // one write, several signed bodies, all applied before the writer was answered
    expect(sizes.length).toBeGreaterThan(1);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(4096);
    expect(subjects.filter((subject) => record.applied(subject) !== 1)).toEqual([]);
  });

  it('answers 401 to unsigned, wrongly signed and stale broadcasts, and applies none of them', async () => {
    const { record, url } = await servedListener();
    const event = {
      seq: 1e9,
      topic: 'permissions',
      action: 'delete',
      subject: '/forged',
      members: [],
      createdAt: new Date(),
    };
    const body = serializeBroadcast([event as never]);
    expect((await post(url, body, {})).status).toBe(401);
    expect((await post(url, body, signBroadcast(body, 'not-the-secret', Date.now()))).status).toBe(401);
    const stale = signBroadcast(body, SECRET, Date.now() - MAX_CLOCK_SKEW_MS - 60_000);
    expect((await post(url, body, stale)).status).toBe(401);
    expect((await post(url, '{"events":', signBroadcast('{"events":', SECRET, Date.now()))).status).toBe(400);
    expect(record.applied('/forged')).toBe(0);
  });

  it('does not fail or wait long when listeners are down, hanging or refuse the secret', async () => {
    const hanging = await serveNothing();
    cleanups.push(() => hanging.close());
    const gone = await serveNothing();
    await gone.close();
    const { url: wrongSecretUrl } = await servedListener();
    await registerListener(db.pool, hanging.url);
    await registerListener(db.pool, gone.url);
    // The hanging listener would hold its request for an hour: the write answering at all proves it was not waited for.
    const broadcaster = await startedBroadcaster({ waitMs: 50, requestTimeoutMs: 3_600_000, secret: 'another-secret' });
    expect(broadcaster.listeners()).toEqual(expect.arrayContaining([hanging.url, gone.url, wrongSecretUrl]));

    const store = attachBroadcaster(db.store, broadcaster);
    const seq = await createDocument(store, uniqueSubject('dead-listeners'));
    expect(seq).toBeGreaterThan(0);
  });

  it('resolves at once when there is nothing to send or nobody to send it to', async () => {
    const broadcaster: Broadcaster = await startedBroadcaster();
    expect(broadcaster.listeners()).toEqual([]);
    await expect(broadcaster.broadcast([])).resolves.toBeUndefined();
    const store = attachBroadcaster(db.store, broadcaster);
    await expect(createDocument(store, uniqueSubject('nobody'))).resolves.toBeGreaterThan(0);
  });

  it('picks up listeners registered after start on refresh', async () => {
    const broadcaster = await startedBroadcaster();
    const { url } = await servedListener();
    expect(broadcaster.listeners()).not.toContain(url);
    await broadcaster.refresh();
    expect(broadcaster.listeners()).toContain(url);
  });

  it('a writer using the decorated store still gets the rolled-back write error and no broadcast', async () => {
    const { record } = await servedListener();
    const broadcaster = await startedBroadcaster({ waitMs: 10_000 });
    const store = attachBroadcaster(db.store, broadcaster);
    const subject = uniqueSubject('rolled-back');
    await expect(
      store.write(async (tx) => {
        await tx.createDocument({ _subject: subject });
        throw new Error('no');
      }),
    ).rejects.toThrow('no');
    await record.listener.pollNow();
    expect(record.applied(subject)).toBe(0);
    expect(record.resets).toBe(0);
  });
});
