import type { IncomingMessage, ServerResponse } from 'node:http';
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { NotFoundError } from '@permissions/model';
import type { TokenVerifier } from '@permissions/auth';
import { authenticationMiddleware } from './auth-middleware';
import { internaliseBody } from './internalise';
import { isJsonMediaType } from './json-body';
import type { Logger } from './logging';
import type { Metrics } from './metrics';
import { createRequestPipeline, type DirectRoute, type Exchange } from './request-pipeline';

export interface HttpAppOptions {
  /** Service name, used in logs, metrics and error messages. */
  name: string;
  log: Logger;
  metrics: Metrics;
  verifier: TokenVerifier;
  /** Resolves when the service can serve (database reachable…); rejects otherwise. */
  ready?: () => Promise<void>;
  /** JSON body limit in bytes (default 1 MiB, as the original). Larger bodies get 413. */
  bodyLimitBytes?: number;
  /** Paths that authenticate themselves (the signed `/az-events` broadcast). */
  selfAuthenticatedPaths?: string[];
  /** Paths whose JSON bodies may be larger (or must be smaller) than `bodyLimitBytes`: path → limit in bytes. */
  bodyLimits?: Readonly<Record<string, number>>;
  /** The service routes, tried in order. */
  routers: Router[];
  /** Routes served by the pipeline directly (no router), by exact path, with the service they belong to. */
  directRoutes?: ReadonlyArray<{ service: string; routes: Readonly<Record<string, DirectRoute>> }>;
}

/** A node:http request listener (also what supertest and `http.createServer` take). */
export type HttpApp = (req: IncomingMessage, res: ServerResponse) => void;

const RAW_BODY = Symbol('raw body');
const EXCHANGE = Symbol('exchange');

/** The exact bytes of a JSON body, kept for signature checks (the signed event broadcast). */
export function rawBodyOf(req: Request): Buffer | undefined {
  return (req as unknown as Record<symbol, Buffer | undefined>)[RAW_BODY];
}

/**
 * Requests that only machines care about are logged at debug: probes, metrics scrapes and the signed event
 * broadcasts between services (one per write per runtime). Everything else gets one info line (the runtime's
 * questions, too many to log each, say so on their direct routes).
 */
const ROUTINE_PATHS = new Set(['/health', '/ready', '/metrics', '/az-events']);

/**
 * The app every service process and the all-in-one are built from, over one request pipeline: request id, JSON
 * logs, metrics, probes without a token, a valid token for everything else, JSON bodies by one set of rules, 404
 * and one error mapping. Direct routes (the runtime's questions) are matched by path first and served by the
 * pipeline itself; every other request goes through express's router with the pipeline's steps as middleware.
 */
export function createHttpApp(options: HttpAppOptions): HttpApp {
  const { name, log, metrics } = options;
  const pipeline = createRequestPipeline({
    name,
    log,
    metrics,
    verifier: options.verifier,
    bodyLimitBytes: options.bodyLimitBytes ?? 1024 * 1024,
    bodyLimits: options.bodyLimits,
  });
  metrics.registerCache('tokens', () => options.verifier.stats());
  const app = express();
  app.disable('x-powered-by');
  app.disable('etag'); // our ETags come from event sequence numbers, never from body hashes
  app.set('query parser', 'simple');

  app.use((req: Request, res: Response, next: NextFunction) => {
    const exchange = pipeline.begin(req, name, ROUTINE_PATHS.has(req.path) ? 'debug' : 'info');
    (req as unknown as Record<symbol, Exchange>)[EXCHANGE] = exchange;
    req.headers['x-request-id'] = exchange.reqId;
    res.setHeader('x-request-id', exchange.reqId);
    res.once('finish', () => pipeline.finish(exchange, req, res.statusCode));
    next();
  });

  app.get('/health', (_req, res) => {
    res.json({ status: 'ok', service: name });
  });
  app.get('/ready', async (_req, res) => {
    try {
      await options.ready?.();
      res.json({ status: 'ready', service: name });
    } catch (err) {
      log.warn({ err }, 'not ready');
      res.status(503).json({ msg: 'not ready', service: name });
    }
  });

  app.use(authenticationMiddleware(pipeline.identify, options.selfAuthenticatedPaths ?? []));

  app.get('/metrics', async (_req, res) => {
    res.setHeader('Content-Type', metrics.registry.contentType);
    res.send(await metrics.registry.metrics());
  });

  app.use(async (req: Request, _res: Response, next: NextFunction) => {
    const type = req.headers['content-type'];
    const declared = req.headers['content-length'] !== undefined || req.headers['transfer-encoding'] !== undefined;
    // A POST body that is not JSON is refused (415) by the body rules; other methods' bodies of other types (a
    // PATCH of an unknown patch type) are left to the route, which says what it takes.
    if (!declared || (!isJsonMediaType(type) && req.method !== 'POST')) return next();
    try {
      const body = await pipeline.readBody(req, req.path);
      if (body !== undefined) {
        (req as unknown as Record<symbol, Buffer>)[RAW_BODY] = body.raw;
        req.body = internaliseBody(body.value, req.headers.host, /^application\/json-patch\+json/i.test(type ?? ''));
      } else if (isJsonMediaType(type)) {
        // An empty JSON body reads as an empty object (as body-parser read it): the route names what is missing.
        req.body = {};
      }
      next();
    } catch (err) {
      next(err);
    }
  });

  for (const router of options.routers) app.use(router);

  app.use((req: Request) => {
    throw new NotFoundError(`${name}: ${req.method} ${req.path} not found`);
  });
  app.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    const exchange = (req as unknown as Record<symbol, Exchange>)[EXCHANGE] ?? pipeline.begin(req, name);
    pipeline.fail(exchange, res, err);
  });

  const direct = new Map<string, { service: string; route: DirectRoute }>();
  for (const { service, routes } of options.directRoutes ?? []) {
    for (const [path, route] of Object.entries(routes)) direct.set(path, { service, route });
  }
  return (req, res) => {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q < 0 ? url : url.slice(0, q);
    const entry = direct.get(path);
    if (entry === undefined) return void app(req, res);
    pipeline.serveDirect(entry.route, entry.service, req, res, path, q < 0 ? '' : url.slice(q + 1));
  };
}
