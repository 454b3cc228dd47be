import { anyAllowed, type Evidence } from '@permissions/model';
import { JsonText, type DirectRequest, type DirectRoute } from '@permissions/http-kit';
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
import { internaliseQuestion, type QuestionMemo } from '../questions/question-memo';
import { then, type MaybePromise } from '../slices';
import { recordJson } from './json-records';

export interface QuestionDeps {
  decider: Decider;
  /** Questions already read from the same query string. */
  questions: QuestionMemo;
  inheritance: InheritanceQuestion;
  /** Read-your-writes: resolves once event `seq` is applied; rejects (503) if it could not be in time. */
  waitForSeq(seq: number): Promise<void>;
}

/** One route: how it reads its question, who may ask it, and its one implementation. */
export interface QuestionRoute {
  /** POST reads the JSON body (B7). */
  methods: Array<'GET' | 'POST'>;
  /** Name of the repeatable resource parameter. */
  resourceName: 'resource' | 'baseAndPath';
  rule: AskerRule;
  answer(
    question: Readonly<Question>,
    principal: string | null,
    deps: QuestionDeps,
    url: string,
  ): MaybePromise<unknown>;
}

const answerJson = (answer: boolean | null): string => (answer === null ? 'null' : answer ? 'true' : 'false');
const scopesJson = (scopes: string[]): string => JSON.stringify(scopes);

/** The bare answer, or `{allowed, scopes, answers}` with `{resource: …}` records (reference §5.3). */
function isAllowedBody(q: Readonly<Question>, result: Decisions): unknown {
  if (!q.withScopes && !q.withIndividualAnswers) return result.allowed;
  const scopes = q.withScopes ? recordJson(q.resources, result.scopes ?? [], scopesJson) : 'null';
  const answers = q.withIndividualAnswers ? recordJson(q.resources, result.answers, answerJson) : 'null';
  return new JsonText(`{"allowed":${answerJson(result.allowed)},"scopes":${scopes},"answers":${answers}}`);
}

function asked(q: Readonly<Question>, principal: string | null) {
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
export const QUESTION_ROUTES: Record<string, QuestionRoute> = {
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

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** A POST without a query string asks in its JSON body; any other request in its query string. */
const readsBody = (method: string, query: string): boolean => method === 'POST' && query === '';

/**
 * The question routes as the request pipeline serves them: read the question, wait for `atLeast`, apply the rule
 * of who may ask about whom, answer. Each step is synchronous when it can be, so a question whose answers are
 * remembered is answered within its request's event (and no closure is named per request: tsx keeps names).
 */
export function createQuestionRoutes(deps: QuestionDeps): Record<string, DirectRoute> {
  const clientMayReadPermissions = (client: string) =>
    then(
      deps.decider.isAllowed({ principal: client, resources: ['/'], property: 'az-permissions' }, 'read', 'all', false),
      (result) => result.allowed === true,
    );
  function ask(route: QuestionRoute, question: Readonly<Question>, request: DirectRequest): MaybePromise<unknown> {
    const principal = principalAskedAbout(route.rule, question.user, request.identity, clientMayReadPermissions);
    return principal instanceof Promise
      ? principal.then((asker) => route.answer(question, asker, deps, request.url))
      : route.answer(question, principal, deps, request.url);
  }
  function read(route: QuestionRoute, request: DirectRequest): Readonly<Question> {
    const { host } = request.headers;
    const minSeqHeader = first(request.headers['x-min-event-sequence']);
    const fromBody = readsBody(request.method, request.query);
    if (!fromBody && minSeqHeader === undefined)
      return deps.questions.fromQuery(request.query, route.resourceName, host);
    const raw = fromBody ? rawFromJsonBody(request.body) : rawFromSearchParams(request.query);
    const question = parseQuestion(raw, route.resourceName, minSeqHeader);
    internaliseQuestion(question, host);
    return question;
  }
  function handle(route: QuestionRoute, request: DirectRequest): MaybePromise<unknown> {
    const question = read(route, request);
    if (question.atLeast === undefined) return ask(route, question, request);
    const { atLeast } = question;
    return deps.waitForSeq(atLeast).then(() => ask(route, question, request));
  }
  const routes: Record<string, DirectRoute> = {};
  for (const [path, route] of Object.entries(QUESTION_ROUTES)) {
    routes[path] = {
      methods: route.methods,
      readsBody,
      contentLocation: true,
      logLevel: 'debug',
      handle: (request) => handle(route, request),
    };
  }
  return routes;
}
