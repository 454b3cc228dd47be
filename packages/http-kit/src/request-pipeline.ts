import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { authenticate, authenticatedFromCache, type AuthHeaders, type TokenVerifier } from '@permissions/auth';
import { MethodNotAllowedError } from '@permissions/model';
import type { CallerIdentity } from './auth-middleware';
import { logRequestFailure, toHttpError, type HttpError } from './errors';
import { readJsonBody, type JsonBody } from './json-body';
import type { HistogramChild } from './lean-histogram';
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
  /** Path and query as received (express may rewrite `req.url` while routing). */
  url: string;
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
  /** Paths whose bodies have a limit of their own (the bulk import): exact path → limit in bytes. */
  bodyLimits?: Readonly<Record<string, number>>;
}

export type RequestPipeline = ReturnType<typeof createRequestPipeline>;

/** A direct route's request on its way through the pipeline (one object per request). */
interface Flight extends Exchange {
  route: DirectRoute;
  req: IncomingMessage;
  res: ServerResponse;
  path: string;
  query: string;
  /** `Content-Location`, when the route sends it. */
  located: string | undefined;
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
  // Keyed as express matches paths (case-insensitive, a trailing slash ignored), so that no spelling of a path gets
  // another limit than its route's.
  const limitKey = (path: string) => (path.length > 1 ? path.replace(/\/$/, '') : path).toLowerCase();
  const bodyLimits = new Map(Object.entries(options.bodyLimits ?? {}).map(([path, limit]) => [limitKey(path), limit]));
  // The few (service, method, status) series are resolved once, by maps keyed with strings that are the same
  // objects every time (a service's name, node's method names), so no string is hashed per request.
  const durations = new Map<string, Map<string, Map<number, HistogramChild>>>();

  function durationOf(service: string, method: string, status: number): HistogramChild {
    let byMethod = durations.get(service);
    if (byMethod === undefined) durations.set(service, (byMethod = new Map()));
    let byStatus = byMethod.get(method);
    if (byStatus === undefined) byMethod.set(method, (byStatus = new Map()));
    let child = byStatus.get(status);
    if (child === undefined) {
      child = metrics.httpDuration.labels({ service, method, status: String(status) });
      byStatus.set(status, child);
    }
    return child;
  }

  function begin(req: IncomingMessage, service: string, logLevel: Exchange['logLevel'] = 'info'): Exchange {
    const reqId = requestIdOf(req.headers['x-request-id']);
    return { reqId, started: performance.now(), service, url: req.url ?? '/', logLevel };
  }

  /** Metrics and the request log line (one line a person reads: method, URL, status, time), once answered. */
  function finish(exchange: Exchange, req: IncomingMessage, status: number): void {
    const elapsed = performance.now() - exchange.started;
    durationOf(exchange.service, req.method ?? '', status).observe(elapsed / 1000);
    if (log.isLevelEnabled(exchange.logLevel)) {
      const ms = Math.round(elapsed * 10) / 10;
      const { url } = exchange;
      log[exchange.logLevel](
        { reqId: exchange.reqId, method: req.method, url, status, ms },
        `${req.method} ${url} ${status} ${ms} ms`,
      );
    }
  }

  /** The caller's identity; synchronous when every token it carries was verified before and has not expired. */
  function identify(req: IncomingMessage): CallerIdentity | Promise<CallerIdentity> {
    const client = req.headers['x-client-authorization'];
    // node:http joins repeated unknown headers into one string: the headers are AuthHeaders as they are.
    const headers: AuthHeaders = Array.isArray(client)
      ? { authorization: req.headers.authorization, 'x-client-authorization': first(client) }
      : (req.headers as AuthHeaders);
    return authenticatedFromCache(headers, verifier) ?? authenticate(headers, verifier);
  }

  /** The request's JSON body, within the limit of its path (`path`: without the query). */
  function readBody(req: IncomingMessage, path: string): Promise<JsonBody | undefined> {
    return readJsonBody(
      req,
      bodyLimits.size === 0 ? bodyLimitBytes : (bodyLimits.get(limitKey(path)) ?? bodyLimitBytes),
    );
  }

  /** The HTTP answer of an error; server errors are logged (logRequestFailure) under the request id, never shown. */
  function errorAnswer(exchange: Exchange, err: unknown): HttpError {
    const mapped = toHttpError(err);
    logRequestFailure(log, err, mapped.status, exchange.reqId);
    if (mapped.status >= 500) mapped.body.requestId = exchange.reqId;
    return mapped;
  }

  /** Writes a JSON answer in one `writeHead` (no header object to merge on the hot path). */
  function writeJson(
    res: ServerResponse,
    reqId: string,
    status: number,
    body: unknown,
    located: string | undefined,
    extra?: Record<string, string>,
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
      reqId,
    ];
    if (located !== undefined) head.push('content-location', located);
    if (extra !== undefined) for (const name of Object.keys(extra)) head.push(name, extra[name]);
    res.writeHead(status, head);
    res.end(payload);
  }

  /** The error answer of an express request (express has set its own headers already). */
  function fail(exchange: Exchange, res: ServerResponse, err: unknown): void {
    const mapped = errorAnswer(exchange, err);
    writeJson(res, exchange.reqId, mapped.status, mapped.body, undefined, mapped.headers);
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
      reqId: requestIdOf(req.headers['x-request-id']),
      started: performance.now(),
      service,
      url: req.url ?? path,
      logLevel: route.logLevel ?? 'info',
      route,
      req,
      res,
      path,
      query,
      located: route.contentLocation === true ? headerSafe(req.url ?? path) : undefined,
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
      readBody(req, flight.path).then(
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
        url: flight.url,
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
    writeJson(flight.res, flight.reqId, 200, value, flight.located);
    finish(flight, flight.req, 200);
  }

  function failed(flight: Flight, err: unknown): void {
    const mapped = errorAnswer(flight, err);
    writeJson(flight.res, flight.reqId, mapped.status, mapped.body, flight.located, mapped.headers);
    finish(flight, flight.req, mapped.status);
  }

  return { begin, finish, identify, readBody, fail, serveDirect };
}
