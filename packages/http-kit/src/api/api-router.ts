import { Router, type Request } from 'express';
import { z } from 'zod';
import { byMethod, type Handler } from '../methods';
import type { ApiMethod, ApiRoute } from './api-route';
import { parseInput } from './api-validation';

/** The schema of the body's media type, or undefined when the route does not take that type (the route says why). */
function bodySchemaFor(route: ApiRoute, req: Request): z.ZodType | undefined {
  const spec = route.body;
  if (spec === undefined || spec.checkedByHandler !== undefined) return undefined;
  const type = (req.headers['content-type'] ?? 'application/json').split(';')[0].trim().toLowerCase();
  const exact = spec.content[type];
  if (exact !== undefined) return exact;
  // Any JSON media type (`application/json`, `text/json`, `…+json`) is read as JSON by the body rules.
  return /json$/.test(type) ? spec.content['application/json'] : undefined;
}

function handlerOf(route: ApiRoute): Handler {
  const handle = route.handle;
  if (handle === undefined) throw new Error(`${route.method} ${route.path} has no handler to serve`);
  return async (req, res) => {
    // The schemas check; the handler gets the request's own values, not zod's copies: a copy would drop members
    // (`__proto__`) that the model must see to refuse them, and commands take the body exactly as sent.
    if (route.query !== undefined) parseInput(route.query, req.query, 'query');
    if (route.headers !== undefined) parseInput(route.headers, req.headers, 'header');
    const bodySchema = bodySchemaFor(route, req);
    if (bodySchema !== undefined && (req.body !== undefined || route.body?.required !== false)) {
      parseInput(bodySchema, req.body, 'body');
    }
    await handle({ query: req.query, headers: req.headers, body: req.body as unknown, req, res });
  };
}

/**
 * An express router serving the declared routes: one `router.all` per path, so that other methods answer 405 with
 * `Allow`, and each request validated by its declaration before its handler runs. Declarations without a handler
 * (direct routes of the request pipeline) are described in the document only.
 */
export function apiRouter(routes: readonly ApiRoute[]): Router {
  const router = Router();
  const byMatcher = new Map<string | RegExp, Partial<Record<ApiMethod, Handler>>>();
  const keyOf = new Map<string, string | RegExp>();
  for (const route of routes) {
    if (route.handle === undefined) continue;
    const matcher = route.matcher ?? route.path;
    const key = String(matcher);
    const existing = keyOf.get(key) ?? matcher;
    keyOf.set(key, existing);
    const handlers = byMatcher.get(existing) ?? {};
    if (handlers[route.method]) throw new Error(`${route.method} ${route.path} is declared twice`);
    handlers[route.method] = handlerOf(route);
    byMatcher.set(existing, handlers);
  }
  for (const [matcher, handlers] of byMatcher) router.all(matcher, byMethod(handlers));
  return router;
}
