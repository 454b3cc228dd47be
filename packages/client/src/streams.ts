import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { errorFor } from './errors';
import type { ClientOptions, ServiceName } from './http-core';

export interface StreamOptions {
  /** Resume after this event id (`Last-Event-ID`). */
  lastEventId?: string;
  signal?: AbortSignal;
}

/**
 * Server-sent events as an async iterable of parsed `data` with its `id`. Streams use the built-in fetch whatever
 * the transport (they need the body as a stream); a refusal (410 after the retention window…) is a typed error.
 */
export async function* serverSentEvents<T>(
  url: string,
  headers: Record<string, string>,
  options: StreamOptions = {},
): AsyncGenerator<{ id: string | undefined; data: T }> {
  const res = await fetch(url, {
    headers: {
      ...headers,
      accept: 'text/event-stream',
      ...(options.lastEventId === undefined ? {} : { 'last-event-id': options.lastEventId }),
    },
    signal: options.signal,
  });
  if (res.status >= 400 || res.body === null) {
    const text = await res.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // not JSON
    }
    throw errorFor(res.status, body, 'GET', url);
  }
  const queue: EventSourceMessage[] = [];
  const parser = createParser({ onEvent: (event) => queue.push(event) });
  const decoder = new TextDecoder();
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    parser.feed(decoder.decode(chunk, { stream: true }));
    while (queue.length > 0) {
      const event = queue.shift() as EventSourceMessage;
      yield { id: event.id, data: JSON.parse(event.data) as T };
    }
  }
}

export async function authHeaders(options: ClientOptions): Promise<Record<string, string>> {
  const token = typeof options.token === 'function' ? await options.token() : options.token;
  return token === undefined ? {} : { authorization: `Bearer ${token}` };
}

export type BaseOf = (service: ServiceName) => string;
