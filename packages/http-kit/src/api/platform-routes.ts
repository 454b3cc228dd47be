import { z } from 'zod';
import { defineRoute, type ApiRoute } from './api-route';
import { ErrorBody } from './api-schemas';

const Probe = z.object({ status: z.string(), service: z.string() }).meta({ id: 'Probe' });

/**
 * What every process serves before any service route (createHttpApp): the probes and the metrics. Described here,
 * served there; the contract test asks each of them over HTTP.
 */
export const PLATFORM_ROUTES: ApiRoute[] = [
  defineRoute({
    method: 'GET',
    path: '/health',
    operationId: 'getHealth',
    summary: 'Liveness probe',
    tags: ['Operations'],
    auth: 'public',
    responses: { 200: { description: 'The process is up', body: Probe } },
  }),
  defineRoute({
    method: 'GET',
    path: '/ready',
    operationId: 'getReady',
    summary: 'Readiness probe: the database answers',
    tags: ['Operations'],
    auth: 'public',
    responses: {
      200: { description: 'Ready to serve', body: Probe },
      503: { description: 'Not ready (database unreachable)', body: ErrorBody },
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/metrics',
    operationId: 'getMetrics',
    summary: 'Prometheus metrics',
    tags: ['Operations'],
    responses: {
      200: { description: 'Prometheus text exposition format', body: z.string(), contentType: 'text/plain' },
    },
  }),
];
