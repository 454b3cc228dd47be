import type { Router } from 'express';
import { API_DESCRIPTION } from './api-description';
import type { ApiRoute } from './api-route';
import { apiRouter } from './api-router';
import { docsRoutes } from './docs-routes';
import { openApiDocument, type OpenApiDocument } from './openapi-document';
import { PLATFORM_ROUTES } from './platform-routes';

export interface ApiDocs {
  /** Serves `/openapi.json`, `/docs` and its assets. */
  router: Router;
  /** Paths served without a bearer token: those of the routes declared `public` or signature-checked. */
  publicPaths: string[];
  /** Every route the process serves, as declared: the probes, these documents and the services' routes. */
  routes: ApiRoute[];
  /** The OpenAPI document (generated once, on first use). */
  document(): OpenApiDocument;
}

/** The API documents of one process: the union of the declarations of the services it serves. */
export function createApiDocs(title: string, serviceRoutes: readonly ApiRoute[]): ApiDocs {
  let generated: OpenApiDocument | undefined;
  const document = () =>
    (generated ??= openApiDocument({ title, version: '1.0.0', description: API_DESCRIPTION }, routes));
  const docs = docsRoutes(document);
  const routes = [...PLATFORM_ROUTES, ...docs, ...serviceRoutes];
  return { router: apiRouter(docs), publicPaths: publicPathsOf(routes), routes, document };
}

/** The exact paths (with and without a trailing slash) of the routes that take no bearer token. */
function publicPathsOf(routes: readonly ApiRoute[]): string[] {
  const paths = routes.filter((r) => (r.auth ?? 'bearer') !== 'bearer' && !r.path.includes('{')).map((r) => r.path);
  return [...new Set(paths.flatMap((path) => [path, `${path}/`]))];
}
