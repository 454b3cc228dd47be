import { documentMethods } from './documents';
import { createHttpCore, type ClientOptions } from './http-core';
import { lifecycleMethods } from './lifecycle';
import { queryString } from './query-string';
import { questionMethods } from './questions';
import { authHeaders, serverSentEvents, type StreamOptions } from './streams';
import { teamMethods } from './teams';
import type { StreamEvent, WatchChange } from './types';

/**
 * A client of the permissions services: every route, typed; ETags returned by reads and taken by patches; the
 * highest `X-Event-Sequence` remembered (`consistency: 'session'` sends it as `atLeast`); 503 retried with backoff;
 * refusals thrown as typed errors carrying `status` and `msg`.
 */
export function createPermissionsClient(options: ClientOptions) {
  const http = createHttpCore(options);
  return {
    ...questionMethods(http),
    ...documentMethods(http),
    ...teamMethods(http),
    ...lifecycleMethods(http),
    /** The highest `X-Event-Sequence` seen: pass it as `atLeast` to read your writes elsewhere. */
    lastSequence: http.lastSequence,
    /** Every event after `since` (governors of `/` and the services' client), resumable with `lastEventId`. */
    async *events(since: number, streamOptions: StreamOptions = {}): AsyncGenerator<StreamEvent> {
      const url = `${http.baseOf('runtime')}/az-events-stream${queryString({ since })}`;
      for await (const { data } of serverSentEvents<StreamEvent>(url, await authHeaders(options), streamOptions)) {
        http.observe(String(data.seq));
        yield data;
      }
    },
    /** The changes of a watch's answers; reconnect with `lastEventId` (a sequence) to miss none. */
    async *watchStream(id: string, streamOptions: StreamOptions = {}): AsyncGenerator<WatchChange> {
      const url = `${http.baseOf('runtime')}/az-watches/${encodeURIComponent(id)}/stream`;
      for await (const { data } of serverSentEvents<WatchChange>(url, await authHeaders(options), streamOptions)) {
        yield data;
      }
    },
    /** The OpenAPI document of a service (or of the all-in-one). */
    openApi: async (service: 'maintenance' | 'teams' | 'runtime' | 'migration' = 'maintenance') =>
      (await http.send<Record<string, unknown>>(service, 'GET', '/openapi.json', { retryable: true })).body,
  };
}

export type PermissionsClient = ReturnType<typeof createPermissionsClient>;
