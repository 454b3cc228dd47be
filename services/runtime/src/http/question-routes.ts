import type { CallerIdentity } from '@permissions/http-kit';
import type { Answerer, Evidence } from '../questions/answerer';
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
}

const isAllowed =
  (evidence: Evidence) =>
  async (q: Question, ctx: QuestionContext, principal: string | null): Promise<unknown> => {
    const action = requireAction(q, ctx.url);
    const result = await ctx.answerer.isAllowed(
      { principal, resources: q.resources, property: q.property },
      action,
      evidence,
    );
    if (!q.withScopes && !q.withIndividualAnswers) return result.allowed;
    return {
      allowed: result.allowed,
      scopes: q.withScopes ? result.scopes : null,
      answers: q.withIndividualAnswers ? result.answers : null,
    };
  };

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
  },
  '/az-is-allowed-for-resource': {
    methods: ['GET', 'POST'],
    resourceName: 'resource',
    rule: 'self-or-delegated',
    answer: isAllowed('documents'),
  },
  '/az-is-allowed-for-base-and-path': {
    methods: ['GET', 'POST'],
    resourceName: 'baseAndPath',
    rule: 'self-or-delegated',
    answer: isAllowed('roles'),
  },
  '/az-are-any-allowed': {
    methods: ['GET', 'POST'],
    resourceName: 'resource',
    rule: 'self-or-nobody',
    answer: areAny('all'),
  },
  '/az-are-any-resources-allowed': {
    methods: ['GET', 'POST'],
    resourceName: 'resource',
    rule: 'self-or-nobody',
    answer: areAny('documents'),
  },
  '/az-are-any-base-and-paths-allowed': {
    methods: ['GET', 'POST'],
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
    answer: async (q, ctx, principal) => ctx.answerer.inheritFrom(principal, q.subject, q.sharingSet),
  },
};

export async function answerQuestion(route: QuestionRoute, question: Question, ctx: QuestionContext): Promise<unknown> {
  const principal = await principalAskedAbout(route.rule, question.user, ctx.identity, ctx.clientMayReadPermissions);
  return route.answer(question, ctx, principal);
}

export type { QuestionRoute };
