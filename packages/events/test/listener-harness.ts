import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Store, Pool, EventRecord, Seq } from '@permissions/store';
import { AppError } from '@permissions/model';
import { statusOf } from '@permissions/http-kit';
import { createEventListener, silentLogger, type EventListener, type EventListenerOptions } from '../src';

export const SECRET = 'events-test-secret';

let counter = 0;
/** A subject no other test uses, so that replayed events of earlier tests never match. */
export function uniqueSubject(label: string): string {
  counter += 1;
  return `/events-test/${label}/${process.pid}-${Date.now()}-${counter}`;
}

export async function createDocument(store: Store, subject: string): Promise<Seq> {
  const { seq } = await store.write((tx) => tx.createDocument({ _subject: subject }));
  return seq!;
}

/** A write that appends its event and then fails: the transaction rolls back and its seq becomes a hole. */
export async function rolledBackWrite(store: Store, subject: string): Promise<Seq> {
  let taken = 0;
  await expect(
    store.write(async (tx) => {
      taken = await tx.createDocument({ _subject: subject });
      throw new Error('abandoned on purpose');
    }),
  ).rejects.toThrow('abandoned on purpose');
  return taken;
}

/**
 * A write held open until `commit()` is called: its seq is taken (and visible as `seq`) but its event is not
 * committed, like a slow transaction in flight.
 */
const heldOpen = new Set<() => Promise<void>>();

/** Commits writes a failed test left open, so their connections go back to the pool. */
export async function commitHeldWrites(): Promise<void> {
  for (const commit of [...heldOpen]) await commit();
}

export async function heldWrite(store: Store, subject: string): Promise<{ seq: Seq; commit(): Promise<void> }> {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  let taken!: (seq: Seq) => void;
  const seqTaken = new Promise<Seq>((resolve) => (taken = resolve));
  const done = store.write(async (tx) => {
    taken(await tx.createDocument({ _subject: subject }));
    await gate;
  });
  const seq = await seqTaken;
  const commit = async (): Promise<void> => {
    heldOpen.delete(commit);
    release();
    await done;
  };
  heldOpen.add(commit);
  return { seq, commit };
}

export interface RecordingListener {
  listener: EventListener;
  url: string;
  events: EventRecord[];
  resets: number;
  /** How many times an event for `subject` was applied. */
  applied(subject: string): number;
}

export function recordingListener(
  pool: Pool,
  store: Store,
  overrides: Partial<EventListenerOptions> & Pick<EventListenerOptions, 'holeTimeoutMs'>,
): RecordingListener {
  const url = `http://listener.invalid/${uniqueSubject('listener')}`;
  const record: RecordingListener = {
    url,
    events: [],
    resets: 0,
    applied: (subject) => record.events.filter((event) => event.subject === subject).length,
    listener: createEventListener({
      store,
      pool,
      listenerUrl: url,
      secret: SECRET,
      pollIntervalMs: 60_000,
      heartbeatMs: 60_000,
      log: silentLogger,
      onEvent: (event) => record.events.push(event),
      onReset: () => {
        record.resets += 1;
      },
      ...overrides,
    }),
  };
  return record;
}

/** A real HTTP endpoint that hands POST {base}/az-events to the listener, answering 204 or the error's status. */
export async function serveListener(
  receive: (raw: Buffer, headers: http.IncomingHttpHeaders) => Promise<void>,
): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      if (req.method !== 'POST' || req.url !== '/az-events') {
        res.writeHead(404).end();
        return;
      }
      receive(Buffer.concat(chunks), req.headers).then(
        () => res.writeHead(204).end(),
        (error: unknown) => res.writeHead(error instanceof AppError ? statusOf(error) : 500).end(),
      );
    });
  });
  return listen(server);
}

/** A listener that accepts connections and never answers. */
export async function serveNothing(): Promise<{ url: string; close(): Promise<void> }> {
  return listen(http.createServer(() => undefined));
}

async function listen(server: http.Server): Promise<{ url: string; close(): Promise<void> }> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits (bounded) for something a background timer will make true; fails the test rather than hang. */
export async function eventually(check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await sleep(10);
  }
}
