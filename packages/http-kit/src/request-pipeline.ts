import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { authenticate, authenticatedFromCache, type AuthHeaders, type TokenVerifier } from '@permissions/auth';
import { MethodNotAllowedError } from '@permissions/model';
import type { CallerIdentity } from './auth-middleware';
import { toHttpError, type HttpError } from './errors';
import { readJsonBody, type JsonBody } from './json-body';
import type { Logger } from './logging';
import type { Metrics } from './metrics';
import type { Method } from './methods';
import { requestIdOf } from './request-id';
import { headerSafe } from './respond';

/** An answer already written as JSON text by the route (sent as is, not stringified again). */
export class JsonText {
  constructor(readonly json: string) {}
}

/** One request as it goes through the pipeline: its id and when it started, for metrics and the request log. */
export interface Exchange {
  reqId: string;
  started: number;
  service: string;
  logLevel: 'info' | 'debug';
}

/** What a direct route is given: the request already authenticated, its body read when the route takes one. */
export interface DirectRequest {
  /** HEAD is served as GET. */
  method: Method;
  path: string;
  /** The raw query string (after `?`), `''` when there is none. */
  query: string;
  /** Path and query as received. */
  url: string;
  headers: IncomingHttpHeaders;
  identity: CallerIdentity;
  /** The parsed JSON body when `readsBody` said so (undefined for an empty body), else undefined. */
  body: unknown;
}

/**
 * A route served by the pipeline without express's router: the runtime's questions, asked thousands of times a
 * second. Same request id, authentication, body rules, error mapping, metrics and logs as every express route.
 */
export interface DirectRoute {
  methods: readonly Method[];
  /** Whether this request carries its input as a JSON body (read by the shared rules) rather than in its query. */
  readsBody?(method: Method, query: string): boolean;
  /**
   * The answer, sent as JSON with 200 (a `JsonText` as it is). A value returned synchronously is sent within the request's own event, with
   * no promise in between; a promise is awaited; a thrown error is mapped like every other.
   */
  handle(request: DirectRequest): unknown;
  /** Sends `Content-Location` = the request URL (reference §5.1). */
  contentLocation?: boolean;
  /** Level of the per-request log line: questions are too many to log each at info. */
  logLevel?: 'info' | 'debug';
}

export interface RequestPipelineOptions {
  /** Service name of the process (the `service` label of express routes). */
  name: string;
  log: Logger;
  metrics: Metrics;
  verifier: TokenVerifier;
  bodyLimitBytes: number;
}

export type RequestPipeline = ReturnType<typeof createRequestPipeline>;

/** A direct route's request on its way through the pipeline. */
interface Flight {
  route: DirectRoute;
  req: IncomingMessage;
  res: ServerResponse;
  path: string;
  query: string;
  exchange: Exchange;
  located: string[] | undefined;
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as PromiseLike<unknown> | null)?.then === 'function';
}

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/**
 * The one request pipeline of every service (request id, authentication, JSON bodies, error mapping, metrics, the
 * request log): express routes use its steps as middleware, direct routes go through `serveDirect`. It stays lean
 * so that the hot path need not be separate: a token verified before is recognised synchronously, histogram label
 * children are resolved once, and an answer known at once is written without a promise.
 */
export function createRequestPipeline(options: RequestPipelineOptions) {
  const { log, metrics, verifier, bodyLimitBytes } = options;
  // prom-client hashes a label object on every observe; the few (service, method, status) children are kept.
  const durations = new Map<string, Map<number, { observe(seconds: number): void }>>();

  function durationOf(service: string, method: string, status: number) {
    const key = service + method;
    let byStatus = durations.get(key);
    if (byStatus === undefined) durations.set(key, (byStatus = new Map()));
    let child = byStatus.get(status);
    if (child === undefined) {
      child = metrics.httpDuration.labels({ service, method, status: String(status) });
      byStatus.set(status, child);
    }
    return child;
  }

  function begin(req: IncomingMessage, service: string, logLevel: Exchange['logLevel'] = 'info'): Exchange {
    return { reqId: requestIdOf(req.headers['x-request-id']), started: performance.now(), service, logLevel };
  }

  /** Metrics and the request log line, once the answer is written. */
  function finish(exchange: Exchange, req: IncomingMessage, status: number): void {
    const ms = performance.now() - exchange.started;
    durationOf(exchange.service, req.method ?? '', status).observe(ms / 1000);
    if (log.isLevelEnabled(exchange.logLevel)) {
      log[exchange.logLevel](
        { reqId: exchange.reqId, method: req.method, url: req.url, status, ms: Math.round(ms * 10) / 10 },
        'request',
      );
    }
  }

  /** The caller's identity; synchronous when every token it carries was verified before and has not expired. */
  function identify(req: IncomingMessage): CallerIdentity | Promise<CallerIdentity> {
    const headers: AuthHeaders = {
      authorization: req.headers.authorization,
      'x-client-authorization': first(req.headers['x-client-authorization']),
    };
    return authenticatedFromCache(headers, verifier) ?? authenticate(headers, verifier);
  }

  function readBody(req: IncomingMessage): Promise<JsonBody | undefined> {
    return readJsonBody(req, bodyLimitBytes);
  }

  /** The HTTP answer of an error; server errors are logged in full under the request id, never shown. */
  function errorAnswer(exchange: Exchange, err: unknown): HttpError {
    const mapped = toHttpError(err);
    if (mapped.status >= 500) {
      log.error({ err, reqId: exchange.reqId }, 'request failed');
      mapped.body.requestId = exchange.reqId;
    }
    return mapped;
  }

  /** Writes a JSON answer in one `writeHead` (no header object to merge on the hot path). */
  function writeJson(
    res: ServerResponse,
    exchange: Exchange,
    status: number,
    body: unknown,
    extra?: readonly string[],
  ): void {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    const payload = body instanceof JsonText ? body.json : (JSON.stringify(body) ?? 'null');
    const head = [
      'content-type',
      'application/json; charset=utf-8',
      'content-length',
      String(Buffer.byteLength(payload)),
      'x-request-id',
      exchange.reqId,
    ];
    if (extra !== undefined) head.push(...extra);
    res.writeHead(status, head);
    res.end(payload);
  }

  /** The error answer of an express request (express has set its own headers already). */
  function fail(exchange: Exchange, res: ServerResponse, err: unknown): void {
    const mapped = errorAnswer(exchange, err);
    const extra: string[] = [];
    for (const [name, value] of Object.entries(mapped.headers ?? {})) extra.push(name, value);
    writeJson(res, exchange, mapped.status, mapped.body, extra);
  }

  /** Serves a direct route: authenticate, 405, body, answer, and the same error mapping, metrics and log. */
  function serveDirect(
    route: DirectRoute,
    service: string,
    req: IncomingMessage,
    res: ServerResponse,
    path: string,
    query: string,
  ): void {
    // One plain object per request, passed to the steps below (no closures made per request on this path).
    const flight: Flight = {
      route,
      req,
      res,
      path,
      query,
      exchange: begin(req, service, route.logLevel),
      located: route.contentLocation === true ? ['content-location', headerSafe(req.url ?? path)] : undefined,
    };
    let identity: CallerIdentity | Promise<CallerIdentity>;
    try {
      identity = identify(req);
    } catch (err) {
      return failed(flight, err);
    }
    if (identity instanceof Promise) {
      identity.then(
        (verified) => authenticated(flight, verified),
        (err: unknown) => failed(flight, err),
      );
    } else authenticated(flight, identity);
  }

  function authenticated(flight: Flight, identity: CallerIdentity): void {
    const { route, req, query } = flight;
    try {
      const method = (req.method === 'HEAD' ? 'GET' : req.method) as Method;
      // After the token: without one, nobody learns which methods a route takes.
      if (!route.methods.includes(method)) {
        throw new MethodNotAllowedError(`method ${req.method} not allowed for ${flight.path}`, [...route.methods]);
      }
      // A body nobody reads is drained by node:http once the answer is sent.
      if (route.readsBody?.(method, query) !== true) return answer(flight, identity, method, undefined);
      readBody(req).then(
        (body) => answer(flight, identity, method, body?.value),
        (err: unknown) => failed(flight, err),
      );
    } catch (err) {
      failed(flight, err);
    }
  }

  function answer(flight: Flight, identity: CallerIdentity, method: Method, body: unknown): void {
    const { req } = flight;
    try {
      const result = flight.route.handle({
        method,
        path: flight.path,
        query: flight.query,
        url: req.url ?? flight.path,
        headers: req.headers,
        identity,
        body,
      });
      if (isThenable(result)) {
        result.then(
          (value) => answered(flight, value),
          (err: unknown) => failed(flight, err),
        );
      } else answered(flight, result);
    } catch (err) {
      failed(flight, err);
    }
  }

  function answered(flight: Flight, value: unknown): void {
    writeJson(flight.res, flight.exchange, 200, value, flight.located);
    finish(flight.exchange, flight.req, 200);
  }

  function failed(flight: Flight, err: unknown): void {
    const mapped = errorAnswer(flight.exchange, err);
    const extra = flight.located === undefined ? [] : [...flight.located];
    for (const [name, value] of Object.entries(mapped.headers ?? {})) extra.push(name, value);
    writeJson(flight.res, flight.exchange, mapped.status, mapped.body, extra);
    finish(flight.exchange, flight.req, mapped.status);
  }

  return { begin, finish, identify, readBody, fail, serveDirect };
}
