import { errorFor } from './errors';
import { fetchTransport, type Transport } from './transport';

export type ServiceName = 'maintenance' | 'teams' | 'runtime' | 'migration';

export interface RetryOptions {
  /** Further attempts after a 503 (default 3; 0 = none). */
  retries?: number;
  /** First backoff ceiling in ms (default 100), doubled per attempt up to `maxDelayMs` (default 2000). */
  baseDelayMs?: number;
  maxDelayMs?: number;
}

export interface ClientOptions {
  /** The all-in-one (or a gateway routing by path), or each service's own URL (split mode). */
  baseUrl: string | Record<ServiceName, string>;
  /** The caller's bearer token, or a function giving a fresh one per request. */
  token?: string | (() => string | Promise<string>);
  /** A trusted client's own token, sent as `X-Client-Authorization`. */
  clientToken?: string | (() => string | Promise<string>);
  /** Default: Node's built-in fetch. */
  transport?: Transport;
  retry?: RetryOptions;
  /**
   * `session`: every question is sent with `atLeast` = the highest `X-Event-Sequence` this client has seen, so it
   * reads its own writes (and those of any response it saw). Default `none`.
   */
  consistency?: 'session' | 'none';
  /** For tests: how to wait. */
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

export interface SendOptions {
  body?: unknown;
  /** Default `application/json` when there is a body. */
  contentType?: string;
  headers?: Record<string, string>;
  /** Safe to send again after a 503 (reads, conditional writes, deletes). Creates are not. */
  retryable: boolean;
  signal?: AbortSignal;
}

export interface Reply<T = unknown> {
  status: number;
  body: T;
  header(name: string): string | undefined;
}

const resolveSecret = async (value: ClientOptions['token']) => (typeof value === 'function' ? value() : value);

/** Parses a body as JSON when it is JSON; the bare `true`/`false`/`null` answers stay what they are. */
function parseBody(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/**
 * The one way the client talks HTTP: base URL per service, tokens, JSON, typed errors, retries of 503 with jittered
 * exponential backoff (full jitter, honouring `Retry-After`), and the highest `X-Event-Sequence` seen.
 */
export function createHttpCore(options: ClientOptions) {
  const transport = options.transport ?? fetchTransport;
  const retries = Math.max(0, options.retry?.retries ?? 3);
  const baseDelay = options.retry?.baseDelayMs ?? 100;
  const maxDelay = options.retry?.maxDelayMs ?? 2000;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const random = options.random ?? Math.random;
  let highest = 0;

  const baseOf = (service: ServiceName) =>
    (typeof options.baseUrl === 'string' ? options.baseUrl : options.baseUrl[service]).replace(/\/+$/, '');

  function observe(sequence: string | undefined): void {
    if (sequence !== undefined && /^\d{1,15}$/.test(sequence)) highest = Math.max(highest, Number(sequence));
  }

  function backoff(attempt: number, retryAfter: string | undefined): number {
    const seconds = retryAfter === undefined ? NaN : Number(retryAfter);
    if (Number.isFinite(seconds) && seconds >= 0) return Math.min(seconds * 1000, maxDelay);
    return Math.floor(random() * Math.min(maxDelay, baseDelay * 2 ** attempt));
  }

  async function send<T = unknown>(
    service: ServiceName,
    method: string,
    pathAndQuery: string,
    sendOptions: SendOptions,
  ): Promise<Reply<T>> {
    const url = baseOf(service) + pathAndQuery;
    const headers: Record<string, string> = { accept: 'application/json', ...sendOptions.headers };
    const token = await resolveSecret(options.token);
    if (token !== undefined) headers.authorization = `Bearer ${token}`;
    const clientToken = await resolveSecret(options.clientToken);
    if (clientToken !== undefined) headers['x-client-authorization'] = `Bearer ${clientToken}`;
    let body: string | undefined;
    if (sendOptions.body !== undefined) {
      headers['content-type'] = sendOptions.contentType ?? 'application/json';
      body = JSON.stringify(sendOptions.body);
    }
    for (let attempt = 0; ; attempt++) {
      const res = await transport({ method, url, headers, body, signal: sendOptions.signal });
      observe(res.header('x-event-sequence'));
      if (res.status === 503 && sendOptions.retryable && attempt < retries) {
        await sleep(backoff(attempt, res.header('retry-after')));
        continue;
      }
      const parsed = parseBody(res.text);
      if (res.status >= 400) throw errorFor(res.status, parsed, method, url);
      return { status: res.status, body: parsed as T, header: res.header };
    }
  }

  return {
    send,
    baseOf,
    /** The highest `X-Event-Sequence` seen in any answer (0 before the first write). */
    lastSequence: () => highest,
    observe,
    consistency: options.consistency ?? 'none',
  };
}

export type HttpCore = ReturnType<typeof createHttpCore>;
