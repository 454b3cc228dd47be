import { anyAllowed, type Evidence } from '@permissions/model';
import { internalise, type DirectRequest, type DirectRoute } from '@permissions/http-kit';
import type { Decider, Decisions } from '../decisions/decider';
import type { InheritanceQuestion } from '../decisions/inheritance-question';
import { principalAskedAbout, type AskerRule } from '../questions/askers';
import {
  parseQuestion,
  rawFromJsonBody,
  rawFromSearchParams,
  requireAction,
  type Question,
} from '../questions/parse-question';
import { then, type MaybePromise } from '../slices';

export interface QuestionDeps {
  decider: Decider;
  inheritance: InheritanceQuestion;
  /** Read-your-writes: resolves once event `seq` is applied; rejects (503) if it could not be in time. */
  waitForSeq(seq: number): Promise<void>;
}

/** One route: how it reads its question, who may ask it, and its one implementation. */
interface QuestionRoute {
  /** POST reads the JSON body (B7). */
  methods: Array<'GET' | 'POST'>;
  /** Name of the repeatable resource parameter. */
  resourceName: 'resource' | 'baseAndPath';
  rule: AskerRule;
  answer(question: Question, principal: string | null, deps: QuestionDeps, url: string): MaybePromise<unknown>;
}

function isAllowedBody(q: Question, result: Decisions): unknown {
  if (!q.withScopes && !q.withIndividualAnswers) return result.allowed;
  return {
    allowed: result.allowed,
    scopes: q.withScopes ? byResource(q.resources, result.scopes ?? []) : null,
    answers: q.withIndividualAnswers ? byResource(q.resources, result.answers) : null,
  };
}

/** `{resource: value}` as the original answered; null prototype, since a resource may be any string (`__proto__`). */
function byResource<T>(resources: string[], values: T[]): Record<string, T> {
  const record = Object.create(null) as Record<string, T>;
  for (let i = 0; i < resources.length; i++) record[resources[i]] = values[i];
  return record;
}

function asked(q: Question, principal: string | null) {
  return { principal, resources: q.resources, property: q.property };
}

const isAllowed =
  (evidence: Evidence): QuestionRoute['answer'] =>
  (q, principal, deps, url) =>
    then(deps.decider.isAllowed(asked(q, principal), requireAction(q, url), evidence, q.withScopes), (result) =>
      isAllowedBody(q, result),
    );

/** True when any resource is allowed; otherwise null (nobody granted) or false (every resource vetoed). */
const areAny =
  (evidence: Evidence): QuestionRoute['answer'] =>
  (q, principal, deps, url) =>
    then(deps.decider.isAllowed(asked(q, principal), requireAction(q, url), evidence, false), (result) =>
      anyAllowed(result.answers),
    );

const allowedActions =
  (evidence: Evidence): QuestionRoute['answer'] =>
  (q, principal, deps) =>
    q.resources.length === 0 ? [] : deps.decider.allowedActions(principal, q.resources[0], q.property, evidence);

const both = ['GET', 'POST'] as Array<'GET' | 'POST'>;

/** The runtime's question routes (reference §5.1, with B7 fixed: each route is what its name says, GET and POST). */
const QUESTION_ROUTES: Record<string, QuestionRoute> = {
  '/az-is-allowed': { methods: both, resourceName: 'resource', rule: 'self-or-delegated', answer: isAllowed('all') },
  '/az-is-allowed-for-resource': {
    methods: both,
    resourceName: 'resource',
    rule: 'self-or-delegated',
    answer: isAllowed('documents'),
  },
  '/az-is-allowed-for-base-and-path': {
    methods: both,
    resourceName: 'baseAndPath',
    rule: 'self-or-delegated',
    answer: isAllowed('roles'),
  },
  '/az-are-any-allowed': { methods: both, resourceName: 'resource', rule: 'self-or-nobody', answer: areAny('all') },
  '/az-are-any-resources-allowed': {
    methods: both,
    resourceName: 'resource',
    rule: 'self-or-nobody',
    answer: areAny('documents'),
  },
  '/az-are-any-base-and-paths-allowed': {
    methods: both,
    resourceName: 'baseAndPath',
    rule: 'self-or-nobody',
    answer: areAny('roles'),
  },
  '/az-allowed-actions': {
    methods: ['GET'],
    resourceName: 'resource',
    rule: 'self-or-delegated',
    answer: allowedActions('all'),
  },
  '/az-allowed-actions-for-resource': {
    methods: ['GET'],
    resourceName: 'resource',
    rule: 'self-or-delegated',
    answer: allowedActions('documents'),
  },
  '/az-allowed-actions-for-base-and-path': {
    methods: ['GET'],
    resourceName: 'baseAndPath',
    rule: 'self-or-delegated',
    answer: allowedActions('roles'),
  },
  '/az-is-allowed-to-inherit-from': {
    methods: ['GET'],
    resourceName: 'resource',
    rule: 'self-or-delegated',
    answer: (q, principal, deps) => deps.inheritance(principal, q.subject, q.sharingSet),
  },
};

/** Reference §2.5: a URL of this server's own host names the same resource as its relative form. */
function internaliseQuestion(question: Question, host: string | undefined): void {
  if (host === undefined) return;
  question.resources = question.resources.map((r) => internalise(r, host));
  question.sharingSet = question.sharingSet.map((r) => internalise(r, host));
  if (question.subject !== undefined) question.subject = internalise(question.subject, host);
}

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** A POST without a query string asks in its JSON body; any other request in its query string. */
const readsBody = (method: string, query: string): boolean => method === 'POST' && query === '';

/**
 * The question routes as the request pipeline serves them: read the question, wait for `atLeast`, apply the rule
 * of who may ask about whom, answer. Each step is synchronous when it can be, so a question whose answers are
 * remembered is answered within its request's event.
 */
export function createQuestionRoutes(deps: QuestionDeps): Record<string, DirectRoute> {
  const clientMayReadPermissions = (client: string) =>
    then(
      deps.decider.isAllowed({ principal: client, resources: ['/'], property: 'az-permissions' }, 'read', 'all', false),
      (result) => result.allowed === true,
    );
  const handle = (route: QuestionRoute) => (request: DirectRequest) => {
    const raw = readsBody(request.method, request.query)
      ? rawFromJsonBody(request.body)
      : rawFromSearchParams(request.query);
    const question = parseQuestion(raw, route.resourceName, first(request.headers['x-min-event-sequence']));
    internaliseQuestion(question, request.headers.host);
    const applied = question.atLeast === undefined ? undefined : deps.waitForSeq(question.atLeast);
    return then(applied, () =>
      then(principalAskedAbout(route.rule, question.user, request.identity, clientMayReadPermissions), (principal) =>
        route.answer(question, principal, deps, request.url),
      ),
    );
  };
  const routes: Record<string, DirectRoute> = {};
  for (const [path, route] of Object.entries(QUESTION_ROUTES)) {
    routes[path] = {
      methods: route.methods,
      readsBody,
      contentLocation: true,
      logLevel: 'debug',
      handle: handle(route),
    };
  }
  return routes;
}
