import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  BadRequestError,
  MethodNotAllowedError,
  PayloadTooLargeError,
  UnsupportedMediaTypeError,
  UnavailableError,
} from '@permissions/model';
import {
  headerSafe,
  internalise,
  logRequestFailure,
  requestIdOf,
  toHttpError,
  type Logger,
  type Metrics,
} from '@permissions/http-kit';
import { authenticate, authenticatedFromCache, type TokenVerifier } from '@permissions/auth';
import type { Answerer } from '../questions/answerer';
import { parseQuestion, rawFromJsonBody, rawFromSearchParams, type Question } from '../questions/parse-question';
import { answerQuestion, QUESTION_ROUTES, type QuestionRoute } from './question-routes';

export interface FastDispatcherDeps {
  verifier: TokenVerifier;
  answerer: Answerer;
  log: Logger;
  metrics: Metrics;
  bodyLimitBytes: number;
  /** Read-your-writes: resolves true once event `seq` is applied, false if it could not be in time. */
  waitForSeq(seq: number): Promise<boolean>;
  clientMayReadPermissions(client: string): Promise<boolean>;
}

/**
 * The runtime's hot path: the question routes served straight from `node:http`, in front of express (which keeps
 * every other route). Same token verification, error format and engine as everything else; no middleware chain,
 * no per-request logging unless at debug level. Returns false for any other path, for express to serve.
 */
export function createFastDispatcher(deps: FastDispatcherDeps) {
  const { log, metrics } = deps;
  // prom-client hashes a label object on every observe; the few (method, status) pairs are resolved once.
  const durations = new Map<string, { observe(seconds: number): void }>();
  const durationOf = (method: string, status: number) => {
    const key = `${method} ${status}`;
    let child = durations.get(key);
    if (child === undefined) {
      child = metrics.httpDuration.labels({ service: 'runtime', method, status: String(status) });
      durations.set(key, child);
    }
    return child;
  };
  return function dispatch(req: IncomingMessage, res: ServerResponse): boolean {
    const url = pathAndQuery(req.url ?? '/');
    const q = url.indexOf('?');
    const path = q < 0 ? url : url.slice(0, q);
    const route = Object.prototype.hasOwnProperty.call(QUESTION_ROUTES, path) ? QUESTION_ROUTES[path] : undefined;
    if (route === undefined) return false;
    const started = performance.now();
    const reqId = requestIdOf(req.headers['x-request-id']);
    const query = q < 0 ? '' : url.slice(q + 1);
    const remembered = answerRemembered(route, req, query);
    if (remembered !== undefined) {
      // Everything was known: answered within the request event, with no promise in between (like raw node:http).
      req.resume();
      send(res, 200, remembered, reqId, url);
      durationOf(req.method ?? '', 200).observe((performance.now() - started) / 1000);
      return true;
    }
    serve(route, req, url, query)
      .then((answer) => send(res, 200, answer, reqId, url))
      .catch((err: unknown) => {
        const mapped = toHttpError(err);
        logRequestFailure(log, err, mapped.status, reqId);
        if (mapped.status >= 500) mapped.body.requestId = reqId;
        send(res, mapped.status, mapped.body, reqId, url, mapped.headers);
      })
      .finally(() => {
        durationOf(req.method ?? '', res.statusCode).observe((performance.now() - started) / 1000);
        if (log.isLevelEnabled('debug'))
          log.debug({ reqId, method: req.method, url, status: res.statusCode }, 'request');
      });
    return true;
  };

  /**
   * The answer of a GET question when its token was verified before, it needs neither delegation nor `atLeast`,
   * and every answer it needs is remembered; undefined otherwise (then `serve` decides, errors included).
   */
  function answerRemembered(route: QuestionRoute, req: IncomingMessage, query: string): unknown {
    if (route.remembered === undefined || (req.method !== 'GET' && req.method !== 'HEAD')) return undefined;
    const identity = authenticatedFromCache(
      {
        authorization: req.headers.authorization,
        'x-client-authorization': first(req.headers['x-client-authorization']),
      },
      deps.verifier,
    );
    if (identity === undefined || identity.user === null) return undefined;
    let question: Question;
    try {
      question = parseQuestion(
        rawFromSearchParams(query),
        route.resourceName,
        first(req.headers['x-min-event-sequence']),
      );
    } catch {
      return undefined;
    }
    if (question.atLeast !== undefined) return undefined;
    const tokenUser = identity.user.principal;
    let principal: string | null;
    if (question.user === tokenUser) principal = tokenUser;
    else if (question.user === undefined && route.rule === 'self-or-nobody') principal = null;
    else return undefined;
    internaliseQuestion(question, req.headers.host);
    return route.remembered(question, deps.answerer, principal);
  }

  async function serve(route: QuestionRoute, req: IncomingMessage, url: string, query: string): Promise<unknown> {
    const method = req.method === 'HEAD' ? 'GET' : req.method;
    // The token first, as on every other route: without one, nobody learns which methods a route takes.
    const identity = await authenticate(
      {
        authorization: req.headers.authorization,
        'x-client-authorization': first(req.headers['x-client-authorization']),
      },
      deps.verifier,
    ).catch((err: unknown) => {
      req.resume();
      throw err;
    });
    if (!route.methods.includes(method as 'GET' | 'POST')) {
      req.resume();
      throw new MethodNotAllowedError(`method ${req.method} not allowed for ${url.split('?')[0]}`, route.methods);
    }
    let raw;
    if (method === 'POST' && query === '') {
      raw = rawFromJsonBody(await readJson(req, deps.bodyLimitBytes));
    } else {
      req.resume();
      raw = rawFromSearchParams(query);
    }
    const question = parseQuestion(raw, route.resourceName, first(req.headers['x-min-event-sequence']));
    internaliseQuestion(question, req.headers.host);
    if (question.atLeast !== undefined && !(await deps.waitForSeq(question.atLeast))) {
      throw new UnavailableError(`this runtime has not yet applied event ${question.atLeast}; retry shortly`, {
        atLeast: question.atLeast,
      });
    }
    return answerQuestion(route, question, {
      answerer: deps.answerer,
      identity,
      url,
      clientMayReadPermissions: deps.clientMayReadPermissions,
    });
  }
}

/** Reference §2.5: a URL of this server's own host names the same resource as its relative form. */
function internaliseQuestion(question: Question, host: string | undefined): void {
  if (host === undefined) return;
  question.resources = question.resources.map((r) => internalise(r, host));
  question.sharingSet = question.sharingSet.map((r) => internalise(r, host));
  if (question.subject !== undefined) question.subject = internalise(question.subject, host);
}

function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  reqId: string,
  url: string,
  headers: Record<string, string> = {},
): void {
  if (res.headersSent) return;
  const payload = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(payload),
    'x-request-id': reqId,
    'content-location': headerSafe(url),
    ...headers,
  });
  res.end(payload);
}

/** Absolute-form request targets (`POST http://host/az-is-allowed`) are served like origin-form ones. */
function pathAndQuery(target: string): string {
  if (target.startsWith('/')) return target;
  try {
    const parsed = new URL(target);
    return parsed.pathname + parsed.search;
  } catch {
    return target;
  }
}

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function readJson(req: IncomingMessage, limit: number): Promise<unknown> {
  const type = req.headers['content-type'];
  if (type !== undefined && !/json\s*(;.*)?$/i.test(type)) {
    req.resume();
    return Promise.reject(new BadRequestError(`the request body must be JSON, not ${type}`));
  }
  const charset = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(type ?? '')?.[1];
  if (charset !== undefined && !/^utf-?8$/i.test(charset)) {
    req.resume();
    return Promise.reject(new UnsupportedMediaTypeError(`unsupported charset "${charset.toUpperCase()}"`));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    req.on('data', (chunk: Buffer) => {
      if (failed) return;
      size += chunk.length;
      if (size > limit) {
        failed = true;
        reject(new PayloadTooLargeError('request body too large'));
        req.resume();
        return;
      }
      chunks.push(chunk);
    });
    req.on('error', (err) => reject(new BadRequestError(`request aborted: ${err.message}`)));
    req.on('end', () => {
      if (failed) return;
      const text = Buffer.concat(chunks).toString('utf8');
      if (text.trim() === '') return reject(new BadRequestError('the request body must be a JSON object'));
      try {
        resolve(JSON.parse(text));
      } catch (err) {
        reject(new BadRequestError(`invalid JSON: ${(err as Error).message}`));
      }
    });
  });
}
