import { z } from 'zod';
import { ErrorBody, defineRoute, queryList, queryString, rawBodyOf, type ApiRoute } from '@permissions/http-kit';
import { UnavailableError } from '@permissions/model';
import type { EventListener } from '@permissions/events';
import { QUESTION_ROUTES } from './question-routes';

type Kind = 'is-allowed' | 'are-any' | 'allowed-actions' | 'inherit-from';

/** What each question route answers; the routes themselves (paths, methods, parameters) are QUESTION_ROUTES. */
const QUESTIONS: Record<string, { kind: Kind; operationId: string; summary: string }> = {
  '/az-is-allowed': {
    kind: 'is-allowed',
    operationId: 'isAllowed',
    summary: 'May the user do the action on every resource? (documents, then team roles)',
  },
  '/az-is-allowed-for-resource': {
    kind: 'is-allowed',
    operationId: 'isAllowedForResource',
    summary: 'May the user do the action on every resource? (documents only)',
  },
  '/az-is-allowed-for-base-and-path': {
    kind: 'is-allowed',
    operationId: 'isAllowedForBaseAndPath',
    summary: 'May the user do the action on every base and path? (team roles only)',
  },
  '/az-are-any-allowed': {
    kind: 'are-any',
    operationId: 'areAnyAllowed',
    summary: 'May the user do the action on at least one of the resources? (documents, then roles)',
  },
  '/az-are-any-resources-allowed': {
    kind: 'are-any',
    operationId: 'areAnyResourcesAllowed',
    summary: 'May the user do the action on at least one of the resources? (documents only)',
  },
  '/az-are-any-base-and-paths-allowed': {
    kind: 'are-any',
    operationId: 'areAnyBaseAndPathsAllowed',
    summary: 'May the user do the action on at least one base and path? (roles only)',
  },
  '/az-allowed-actions': {
    kind: 'allowed-actions',
    operationId: 'allowedActions',
    summary: 'Every action the user may take on the resource (documents, then roles)',
  },
  '/az-allowed-actions-for-resource': {
    kind: 'allowed-actions',
    operationId: 'allowedActionsForResource',
    summary: 'Every action the user may take on the resource (documents only)',
  },
  '/az-allowed-actions-for-base-and-path': {
    kind: 'allowed-actions',
    operationId: 'allowedActionsForBaseAndPath',
    summary: 'Every action the user may take on the base and path (roles only)',
  },
  '/az-is-allowed-to-inherit-from': {
    kind: 'inherit-from',
    operationId: 'isAllowedToInheritFrom',
    summary: 'May the user make a resource inherit from these parents?',
  },
};

const Answer = z.boolean().nullable().meta({
  id: 'Answer',
  description: 'The bare JSON `true`, `false` or `null` (no document had an opinion: treat it as "no")',
});
const IsAllowedDetails = z
  .object({
    allowed: Answer,
    scopes: z.record(z.string(), z.array(z.string())).nullable().meta({
      description: 'With `withScopes`: per resource, the documents visited (and the role base that decided)',
    }),
    answers: z.record(z.string(), Answer).nullable().meta({
      description: 'With `withIndividualAnswers`: per resource, its own answer',
    }),
  })
  .meta({ id: 'IsAllowedDetails' });
const InheritAnswer = z
  .looseObject({
    allowed: z.boolean(),
    scopes: z.array(z.string()).optional(),
    reason: z.string().optional(),
  })
  .meta({ id: 'InheritAnswer', description: '`{"allowed": …}`, with `reason` when refused' });

const ANSWERS: Record<Kind, { description: string; body: z.ZodType }> = {
  'is-allowed': {
    description: 'The bare answer; an object with `withScopes` or `withIndividualAnswers`',
    body: z.union([Answer, IsAllowedDetails]),
  },
  'are-any': { description: 'The bare answer', body: Answer },
  'allowed-actions': { description: 'Action names', body: z.array(z.string()) },
  'inherit-from': { description: 'Whether the change is allowed', body: InheritAnswer },
};

function questionParams(resourceName: 'resource' | 'baseAndPath', kind: Kind) {
  const resources = resourceName === 'resource' ? 'Resources (URLs), repeatable' : 'Base and path URLs, repeatable';
  return {
    [resourceName]: queryList(
      kind === 'allowed-actions' ? `${resources.split(',')[0]} (the first is used)` : `${resources}: combined by AND`,
    ),
    user: queryString(
      'The principal asked about. Must be the caller (or a trusted client in `X-Client-Authorization` asks on its ' +
        'behalf). The are-any routes may leave it out: a question about no user.',
    ),
    ...(kind === 'inherit-from'
      ? {
          subject: queryString('The resource whose parents change (absent: a new resource)'),
          sharingSet: queryList('The new parents, repeatable'),
        }
      : {
          action: queryString('The action (required but for allowed-actions)'),
          property: queryString('The property of the documents (default `_self`)'),
        }),
    ...(kind === 'is-allowed'
      ? {
          withScopes: queryString('Present (any value): answer an object with the scopes'),
          withIndividualAnswers: queryString("Present (any value): answer an object with each resource's answer"),
        }
      : {}),
    atLeast: queryString(
      'Read-your-writes: answer only from state that includes event N (an `X-Event-Sequence`), or 503',
    ),
  };
}

/**
 * The runtime's routes as declared: the question routes (served by the runtime's own dispatcher, described here from
 * QUESTION_ROUTES) and the signed event broadcast.
 */
export function runtimeApi(listener: () => EventListener | undefined): ApiRoute[] {
  const questions = Object.entries(QUESTION_ROUTES).flatMap(([path, route]) => {
    const about = QUESTIONS[path];
    const params = questionParams(route.resourceName, about.kind);
    const responses = {
      200: { ...ANSWERS[about.kind], headers: ['Content-Location' as const] },
      403: { description: '`user` is not the caller', body: ErrorBody },
      503: { description: '`atLeast` not reached in time (retry), or the runtime is starting', body: ErrorBody },
    };
    const header = z.looseObject({
      'x-min-event-sequence': queryString('Read-your-writes, as `atLeast`'),
    });
    return route.methods.map((method) =>
      defineRoute({
        method,
        path,
        operationId: method === 'GET' ? about.operationId : `${about.operationId}ByBody`,
        summary: about.summary,
        description:
          method === 'POST'
            ? 'The same question with its parameters as a JSON body (lists as arrays).'
            : "Answered from the runtime's caches.",
        tags: ['Questions'],
        headers: header,
        ...(method === 'GET'
          ? { query: z.object(params) }
          : {
              body: {
                content: {
                  'application/json': z.object(
                    Object.fromEntries(
                      Object.entries(params).map(([name, schema]) => [
                        name,
                        name === route.resourceName || name === 'sharingSet'
                          ? z.union([z.string(), z.array(z.string())]).optional()
                          : name === 'withScopes' || name === 'withIndividualAnswers'
                            ? z.union([z.boolean(), z.string()]).optional()
                            : schema,
                      ]),
                    ),
                  ),
                },
              },
            }),
        responses,
      }),
    );
  });
  const events = defineRoute({
    method: 'POST',
    path: '/az-events',
    operationId: 'receiveEvents',
    summary: 'Event broadcast between services',
    description:
      'Sent by writers to every registered runtime after each commit. Headers `X-Events-Timestamp` (ms since the ' +
      'epoch) and `X-Events-Signature`; refused unless signed and within 5 minutes of now.',
    tags: ['Events'],
    auth: 'events-signature',
    body: {
      content: {
        'application/json': z
          .object({
            events: z.array(
              z.object({
                seq: z.number().int(),
                topic: z.enum(['permissions', 'teams']),
                action: z.enum(['create', 'update', 'delete']),
                subject: z.string(),
                members: z.array(z.string()),
                createdAt: z.string(),
              }),
            ),
          })
          .meta({ id: 'EventBroadcast' }),
      },
      checkedByHandler: 'The body is read only once its signature over the raw bytes is verified.',
    },
    responses: {
      200: { description: 'Applied', body: z.object({}) },
      503: { description: 'The runtime is starting', body: ErrorBody },
    },
    handle: async ({ req, res }) => {
      const current = listener();
      if (!current) throw new UnavailableError('the runtime is starting');
      await current.receive(rawBodyOf(req) ?? Buffer.alloc(0), req.headers);
      res.json({});
    },
  });
  return [...questions, events];
}
