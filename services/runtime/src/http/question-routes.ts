import type { CallerIdentity } from '@permissions/http-kit';
import { anyAllowed } from '@permissions/model';
import type { Answerer, Evidence, IsAllowedResult } from '../questions/answerer';
import { principalAskedAbout, type AskerRule } from '../questions/askers';
import { requireAction, type Question } from '../questions/parse-question';

export interface QuestionContext {
  answerer: Answerer;
  identity: CallerIdentity;
  url: string;
  clientMayReadPermissions(client: string): Promise<boolean>;
}

interface QuestionRoute {
  /** Methods accepted; POST reads the JSON body (B7). */
  methods: Array<'GET' | 'POST'>;
  /** Name of the repeatable resource parameter. */
  resourceName: 'resource' | 'baseAndPath';
  rule: AskerRule;
  answer(question: Question, ctx: QuestionContext, principal: string | null): Promise<unknown>;
  /**
   * The same answer, synchronously, when everything it needs is remembered; undefined otherwise (the dispatcher
   * then takes `answer`). Only for questions whose evaluation the decision memo covers.
   */
  remembered?(question: Question, answerer: Answerer, principal: string | null): unknown;
}

function isAllowedBody(q: Question, result: IsAllowedResult): unknown {
  if (!q.withScopes && !q.withIndividualAnswers) return result.allowed;
  return {
    allowed: result.allowed,
    scopes: q.withScopes ? byResource(result.resources, result.scopes) : null,
    answers: q.withIndividualAnswers ? byResource(result.resources, result.answers) : null,
  };
}

/** `{resource: value}` as the original answered; null prototype, since a resource may be any string (`__proto__`). */
function byResource<T>(resources: string[], values: T[]): Record<string, T> {
  const record = Object.create(null) as Record<string, T>;
  for (let i = 0; i < resources.length; i++) record[resources[i]] = values[i];
  return record;
}

const isAllowed =
  (evidence: Evidence) =>
  async (q: Question, ctx: QuestionContext, principal: string | null): Promise<unknown> => {
    const action = requireAction(q, ctx.url);
    const asked = { principal, resources: q.resources, property: q.property };
    return isAllowedBody(q, await ctx.answerer.isAllowed(asked, action, evidence));
  };

/** The synchronous variant of a route whose answer the decision memo covers, formatted by `body`. */
const rememberedAs =
  (evidence: Evidence, body: (q: Question, result: IsAllowedResult) => unknown) =>
  (q: Question, answerer: Answerer, principal: string | null): unknown => {
    if (q.action === undefined || q.action === '') return undefined;
    const asked = { principal, resources: q.resources, property: q.property };
    const result = answerer.rememberedAnswers(asked, q.action, evidence);
    return result === undefined ? undefined : body(q, result);
  };
const isAllowedRemembered = (evidence: Evidence) => rememberedAs(evidence, isAllowedBody);
const areAnyRemembered = (evidence: Evidence) => rememberedAs(evidence, (_q, result) => anyAllowed(result.answers));

const areAny =
  (evidence: Evidence) =>
  async (q: Question, ctx: QuestionContext, principal: string | null): Promise<unknown> => {
    const action = requireAction(q, ctx.url);
    return ctx.answerer.areAnyAllowed({ principal, resources: q.resources, property: q.property }, action, evidence);
  };

const allowedActions =
  (evidence: Evidence) =>
  async (q: Question, ctx: QuestionContext, principal: string | null): Promise<unknown> => {
    if (q.resources.length === 0) return [];
    return ctx.answerer.allowedActions(
      { principal, resources: q.resources.slice(0, 1), property: q.property },
      evidence,
    );
  };

/** The runtime's question routes (reference §5.1, with B7 fixed: each route is what its name says, GET and POST). */
export const QUESTION_ROUTES: Record<string, QuestionRoute> = {
  '/az-is-allowed': {
    methods: ['GET', 'POST'],
    resourceName: 'resource',
    rule: 'self-or-delegated',
    answer: isAllowed('all'),
    remembered: isAllowedRemembered('all'),
  },
  '/az-is-allowed-for-resource': {
    methods: ['GET', 'POST'],
    resourceName: 'resource',
    rule: 'self-or-delegated',
    answer: isAllowed('documents'),
    remembered: isAllowedRemembered('documents'),
  },
  '/az-is-allowed-for-base-and-path': {
    methods: ['GET', 'POST'],
    resourceName: 'baseAndPath',
    rule: 'self-or-delegated',
    answer: isAllowed('roles'),
    remembered: isAllowedRemembered('roles'),
  },
  '/az-are-any-allowed': {
    methods: ['GET', 'POST'],
    resourceName: 'resource',
    rule: 'self-or-nobody',
    answer: areAny('all'),
    remembered: areAnyRemembered('all'),
  },
  '/az-are-any-resources-allowed': {
    methods: ['GET', 'POST'],
    resourceName: 'resource',
    rule: 'self-or-nobody',
    answer: areAny('documents'),
    remembered: areAnyRemembered('documents'),
  },
  '/az-are-any-base-and-paths-allowed': {
    methods: ['GET', 'POST'],
    resourceName: 'baseAndPath',
    rule: 'self-or-nobody',
    answer: areAny('roles'),
    remembered: areAnyRemembered('roles'),
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
    answer: async (q, ctx, principal) => ctx.answerer.inheritFrom(principal, q.subject, q.sharingSet),
  },
};

export async function answerQuestion(route: QuestionRoute, question: Question, ctx: QuestionContext): Promise<unknown> {
  const principal = await principalAskedAbout(route.rule, question.user, ctx.identity, ctx.clientMayReadPermissions);
  return route.answer(question, ctx, principal);
}

export type { QuestionRoute };
