import express, { type Express, type NextFunction, type Request, type Response, type Router } from 'express';
import { NotFoundError, UnsupportedMediaTypeError } from '@permissions/model';
import type { Logger } from './logging';
import type { Metrics } from './metrics';
import { requestIdOf } from './request-id';
import { sendError } from './errors';
import { internaliseBody } from './internalise';
import { authenticationMiddleware } from './auth-middleware';
import type { TokenVerifier } from '@permissions/auth';

export interface HttpAppOptions {
  /** Service name, used in logs, metrics and error messages. */
  name: string;
  log: Logger;
  metrics: Metrics;
  verifier: TokenVerifier;
  /** Resolves when the service can serve (database reachable…); rejects otherwise. */
  ready?: () => Promise<void>;
  /** JSON body limit (default 1mb, as the original). Larger bodies get 413. */
  bodyLimit?: string;
  /** Paths that authenticate themselves (the signed `/az-events` broadcast). */
  selfAuthenticatedPaths?: string[];
  /** The service routes, tried in order. */
  routers: Router[];
}

const RAW_BODY = Symbol('raw body');

/** The exact bytes of a JSON body, kept for signature checks (the signed event broadcast). */
export function rawBodyOf(req: Request): Buffer | undefined {
  return (req as unknown as Record<symbol, Buffer | undefined>)[RAW_BODY];
}

const JSON_CONTENT_TYPE = /json\s*(;.*)?$/i;

/**
 * Requests that only machines care about are logged at debug: probes, metrics scrapes and the signed event
 * broadcasts between services (one per write per runtime). Everything else gets one info line.
 */
const ROUTINE_PATHS = new Set(['/health', '/ready', '/metrics', '/az-events']);

function hasBody(req: Request): boolean {
  return req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
}

/**
 * The express app every service process and the all-in-one are built from: request id, JSON logs, metrics,
 * probes without a token, a valid token for everything else, JSON bodies with a size limit, 404 and one error
 * mapping.
 */
export function createHttpApp(options: HttpAppOptions): Express {
  const { name, log, metrics } = options;
  const app = express();
  app.disable('x-powered-by');
  app.disable('etag'); // our ETags come from event sequence numbers, never from body hashes
  app.set('query parser', 'simple');

  app.use((req: Request, res: Response, next: NextFunction) => {
    const reqId = requestIdOf(req.headers['x-request-id']);
    req.headers['x-request-id'] = reqId;
    res.setHeader('x-request-id', reqId);
    const started = process.hrtime.bigint();
    const level = ROUTINE_PATHS.has(req.path) ? 'debug' : 'info';
    res.on('finish', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      metrics.httpDuration.observe({ service: name, method: req.method, status: String(res.statusCode) }, seconds);
      if (!log.isLevelEnabled(level)) return;
      const ms = Math.round(seconds * 1e4) / 10;
      log[level](
        { reqId, method: req.method, url: req.originalUrl, status: res.statusCode, ms },
        `${req.method} ${req.originalUrl} ${res.statusCode} ${ms} ms`,
      );
    });
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

  app.use(authenticationMiddleware(options.verifier, options.selfAuthenticatedPaths ?? []));

  app.get('/metrics', async (_req, res) => {
    res.setHeader('Content-Type', metrics.registry.contentType);
    res.send(await metrics.registry.metrics());
  });

  app.use(
    express.json({
      limit: options.bodyLimit ?? '1mb',
      type: (req) => {
        const type = req.headers['content-type'];
        return type === undefined || JSON_CONTENT_TYPE.test(type);
      },
      verify: (req, _res, buf) => {
        (req as unknown as Record<symbol, Buffer>)[RAW_BODY] = buf;
      },
    }),
  );

  app.use((req: Request, _res: Response, next: NextFunction) => {
    const type = req.headers['content-type'];
    // A POST body that is not JSON was never parsed: say so, instead of a validation error about missing members.
    if (req.method === 'POST' && type !== undefined && !JSON_CONTENT_TYPE.test(type) && hasBody(req)) {
      req.resume();
      return next(new UnsupportedMediaTypeError(`the request body must be JSON (application/json), not ${type}`));
    }
    if (req.body !== undefined) {
      const jsonPatch = /^application\/json-patch\+json/i.test(req.headers['content-type'] ?? '');
      req.body = internaliseBody(req.body, req.headers.host, jsonPatch);
    }
    next();
  });

  for (const router of options.routers) app.use(router);

  app.use((req: Request) => {
    throw new NotFoundError(`${name}: ${req.method} ${req.path} not found`);
  });
  app.use((err: unknown, req: Request, res: Response, _next: NextFunction) => sendError(err, req, res, log));
  return app;
}
