import http from 'node:http';
import https from 'node:https';
import type { Queryable, EventRecord, Store } from '@permissions/store';
import { listListeners } from './listener-registry';
import type { EventsLogger } from './logger';
import { serializeBroadcasts, signBroadcast } from './signature';

/** The path under a listener's base URL that receives broadcasts. */
export const EVENTS_PATH = 'az-events';

/** A quarter of the default BODY_LIMIT (1 MiB) of the listeners. */
export const DEFAULT_MAX_BODY_BYTES = 256 * 1024;

export interface BroadcasterOptions {
  pool: Queryable;
  /** EVENTS_SECRET: listeners refuse broadcasts not signed with it. */
  secret: string;
  /** The longest a writer's answer waits for listeners (reference §11.3: 50 ms). */
  waitMs?: number;
  /** Each POST is abandoned after this long; it goes on in the background after `waitMs`. */
  requestTimeoutMs?: number;
  /** How often the listener list is re-read from the listeners table. */
  refreshMs: number;
  /**
   * The largest body sent to a listener (default 256 KiB): the events of one write are sent in as many bodies as
   * needed, so that the listener's BODY_LIMIT never refuses them. Keep it at most the listeners' BODY_LIMIT.
   */
  maxBodyBytes?: number;
  log: EventsLogger;
}

export interface Broadcaster {
  /** Reads the listener list and keeps it fresh. Never throws: without a list, listeners rely on polling. */
  start(): Promise<void>;
  close(): Promise<void>;
  /**
   * POSTs the events to every listener in parallel and resolves when all have answered or after `waitMs`, whichever
   * is first. Never rejects: a write has committed by now and must not fail because a listener is down; a listener
   * that misses a broadcast catches up by polling.
   */
  broadcast(events: readonly EventRecord[]): Promise<void>;
  /** The listener base URLs broadcasts currently go to. */
  listeners(): readonly string[];
  /** Re-reads the listener list now (also done every `refreshMs`). */
  refresh(): Promise<void>;
}

export function createBroadcaster(options: BroadcasterOptions): Broadcaster {
  const { pool, secret, refreshMs, log } = options;
  const waitMs = options.waitMs ?? 50;
  const requestTimeoutMs = options.requestTimeoutMs ?? 2000;
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  // Keep-alive: a broadcast per write would otherwise pay a TCP handshake per listener.
  const agents = { http: new http.Agent({ keepAlive: true }), https: new https.Agent({ keepAlive: true }) };
  let targets: string[] = [];
  let timer: NodeJS.Timeout | undefined;
  let closed = false;
  // Listeners whose last delivery failed: a dead listener is reported once at warn, then at debug until it recovers.
  const failing = new Set<string>();

  async function refresh(): Promise<void> {
    try {
      targets = await listListeners(pool);
    } catch (error) {
      log.warn({ err: error }, 'could not read the event listener list; keeping the previous one');
    }
  }

  /** POSTs the bodies one after the other; after a failure the rest is left to the listener's polling. */
  async function deliver(listenerUrl: string, bodies: readonly string[]): Promise<void> {
    try {
      for (const body of bodies) {
        const status = await post(
          eventsUrl(listenerUrl),
          body,
          signBroadcast(body, secret, Date.now()),
          requestTimeoutMs,
          agents,
        );
        if (status < 200 || status >= 300) throw new Error(`listener answered ${status}`);
      }
      if (failing.delete(listenerUrl)) log.info({ listener: listenerUrl }, 'event listener reachable again');
    } catch (error) {
      if (closed) return;
      const fields = { err: error, listener: listenerUrl };
      if (failing.has(listenerUrl)) {
        log.debug(fields, 'event broadcast failed');
      } else {
        failing.add(listenerUrl);
        log.warn(fields, 'event broadcast failed; the listener will catch up by polling');
      }
    }
  }

  return {
    async start() {
      closed = false;
      await refresh();
      if (!timer) {
        timer = setInterval(() => void refresh(), refreshMs);
        timer.unref();
      }
    },

    async close() {
      closed = true;
      clearInterval(timer);
      timer = undefined;
      agents.http.destroy();
      agents.https.destroy();
    },

    async broadcast(events) {
      if (closed || events.length === 0 || targets.length === 0) return;
      const bodies = serializeBroadcasts(events, maxBodyBytes);
      const all = Promise.all(targets.map((url) => deliver(url, bodies)));
      let wait: NodeJS.Timeout | undefined;
      // Not unref'd: a caller awaiting the write must get its answer even if nothing else keeps the process alive.
      const waited = new Promise<void>((resolve) => {
        wait = setTimeout(resolve, waitMs);
      });
      await Promise.race([all, waited]);
      clearTimeout(wait);
    },

    listeners: () => targets,
    refresh,
  };
}

/**
 * Makes every commit of `store` broadcast its events before the writer is answered (or until `waitMs` has passed),
 * so that a client is answered after listeners have normally dropped what it changed. This is the store's one
 * after-commit path (`onCommit`, whose hooks `write` awaits); returns the same store.
 */
export function attachBroadcaster(store: Store, broadcaster: Pick<Broadcaster, 'broadcast'>): Store {
  store.onCommit((events) => broadcaster.broadcast(events));
  return store;
}

function eventsUrl(listenerUrl: string): URL {
  return new URL(EVENTS_PATH, listenerUrl.endsWith('/') ? listenerUrl : `${listenerUrl}/`);
}

/** One POST with a total deadline (a socket timeout alone would let a slowly trickling answer run on). */
function post(
  url: URL,
  body: string,
  headers: Record<string, string>,
  timeoutMs: number,
  agents: { http: http.Agent; https: https.Agent },
): Promise<number> {
  const secure = url.protocol === 'https:';
  const request = secure ? https.request : http.request;
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'POST',
        agent: secure ? agents.https : agents.http,
        headers: { ...headers, 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
        res.on('error', reject);
      },
    );
    const deadline = setTimeout(() => req.destroy(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    deadline.unref();
    req.on('error', reject);
    req.on('close', () => clearTimeout(deadline));
    req.end(body);
  });
}
