import type { Request, Response } from 'express';
import type { z } from 'zod';

export type ApiMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/**
 * How a route learns who calls it: a bearer token from a trusted issuer (the default of every route), nothing at all
 * (probes, the documents of the API, the explorer's page), or the signature of an event broadcast.
 */
export type ApiAuth = 'bearer' | 'public' | 'events-signature';

/** Response headers the API sets, each described once (see `RESPONSE_HEADERS`). */
export type ResponseHeaderName =
  'ETag' | 'X-Event-Sequence' | 'Location' | 'Content-Location' | 'Allow' | 'Retry-After';

export interface ApiResponseSpec {
  description: string;
  /** The JSON body; none for an empty answer. */
  body?: z.ZodType;
  /** Media type of `body` (default `application/json`). */
  contentType?: string;
  headers?: ResponseHeaderName[];
  /** Headers sent only sometimes (`X-Event-Sequence` when a write changed nothing is absent). */
  optionalHeaders?: ResponseHeaderName[];
}

export interface ApiBodySpec<B extends z.ZodType> {
  /** One schema per accepted media type; the request's `Content-Type` picks the one that validates it. */
  content: Record<string, B>;
  required?: boolean;
  description?: string;
  /**
   * Set only when the body must not be looked at before the handler has checked something else first (the signed
   * event broadcast: its signature covers the raw bytes). Says why, in the document.
   */
  checkedByHandler?: string;
}

/** What a handler gets: the request's own values, typed by the schemas that have just checked them. */
export interface ApiInput<Q, H, B> {
  query: Q;
  headers: H;
  body: B;
  req: Request;
  res: Response;
}

/**
 * One route, declared once: the same declaration validates its requests and describes it in the service's
 * OpenAPI document (CONTRACT §5 "Developer surface"), so the two cannot drift.
 */
export interface RouteDeclaration<Q extends z.ZodType, H extends z.ZodType, B extends z.ZodType> {
  method: ApiMethod;
  /** The path as OpenAPI writes it (`/az-tm-{id}`). */
  path: string;
  /** How express matches it when the path alone does not say (a pattern, a prefix match); default `path`. */
  matcher?: string | RegExp;
  /** The path is matched as a prefix (`…/migration-request/anything`), as the original did. */
  prefixMatch?: boolean;
  operationId: string;
  summary: string;
  /** Markdown; says what the original did differently, and the compatibility forms. */
  description?: string;
  tags: string[];
  auth?: ApiAuth;
  /** Query parameters (values are strings, or arrays of strings when repeated). */
  query?: Q;
  /** Request headers the route reads (names in lower case). */
  headers?: H;
  body?: ApiBodySpec<B>;
  /** Every status the route itself answers; 400/401/413/415/500/503 are added where they apply. */
  responses: Record<number, ApiResponseSpec>;
  /** Not served through express (a direct route of the request pipeline): described, validated by its own parser. */
  handle?(input: ApiInput<z.output<Q>, z.output<H>, z.output<B>>): Promise<void> | void;
}

export type AnyZod = z.ZodType;
export type ApiRoute = RouteDeclaration<AnyZod, AnyZod, AnyZod>;

/** Declares a route; the handler's `query`, `headers` and `body` are typed by the schemas. */
export function defineRoute<
  Q extends z.ZodType = z.ZodType,
  H extends z.ZodType = z.ZodType,
  B extends z.ZodType = z.ZodType,
>(route: RouteDeclaration<Q, H, B>): ApiRoute {
  return route as unknown as ApiRoute;
}
