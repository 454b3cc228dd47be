import type { Router } from 'express';
import type { ApiRoute } from './api';
import type { DirectRoute } from './request-pipeline';

/** What a service factory returns: its routes plus what must run at start and at shutdown. */
export interface Service {
  name: string;
  router: Router;
  /** Its routes as declared (served by `router`, or directly): what its OpenAPI document describes. */
  api?: ApiRoute[];
  /** Paths that check their own credentials instead of a bearer token (the signed event broadcast), or need none (the explorer page). */
  selfAuthenticatedPaths?: string[];
  /** Paths whose JSON bodies may be larger than the default limit (the bulk route): path → limit in bytes. */
  bodyLimits?: Readonly<Record<string, number>>;
  /** Routes the request pipeline serves directly by exact path (the hot question routes), before the router. */
  directRoutes?: Readonly<Record<string, DirectRoute>>;
  /** Background work (listener registration, polling, schedulers), once the server listens on `port`. */
  start?(context: { port: number }): Promise<void>;
  close?(): Promise<void>;
}
