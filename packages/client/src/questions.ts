import type { HttpCore } from './http-core';
import { queryString } from './query-string';
import type { Answer, ExplainAnswer } from './types';

/** What a question is decided by: documents then team roles (`all`), documents only, or team roles only. */
export type Evidence = 'all' | 'documents' | 'roles';

export interface Question {
  /** One resource, or several combined by three-valued AND (base-and-path URLs when `evidence` is `roles`). */
  resource: string | readonly string[];
  action: string;
  /** The principal asked about: the caller (or, for a trusted client, anyone). */
  user?: string;
  /** Default `_self`. */
  property?: string;
  evidence?: Evidence;
  /** Answer only from state that includes this event (read-your-writes); default: the session's, if enabled. */
  atLeast?: number;
}

export interface IsAllowedDetails {
  allowed: Answer;
  scopes: Record<string, string[]> | null;
  answers: Record<string, Answer> | null;
}

const ROUTES: Record<'isAllowed' | 'areAny' | 'allowedActions', Record<Evidence, string>> = {
  isAllowed: {
    all: '/az-is-allowed',
    documents: '/az-is-allowed-for-resource',
    roles: '/az-is-allowed-for-base-and-path',
  },
  areAny: {
    all: '/az-are-any-allowed',
    documents: '/az-are-any-resources-allowed',
    roles: '/az-are-any-base-and-paths-allowed',
  },
  allowedActions: {
    all: '/az-allowed-actions',
    documents: '/az-allowed-actions-for-resource',
    roles: '/az-allowed-actions-for-base-and-path',
  },
};

const asList = (resource: string | readonly string[]) => (typeof resource === 'string' ? [resource] : [...resource]);

/** Questions to the runtime (reference §5). */
export function questionMethods(http: HttpCore) {
  const atLeastOf = (q: { atLeast?: number }) =>
    q.atLeast ?? (http.consistency === 'session' && http.lastSequence() > 0 ? http.lastSequence() : undefined);

  /** GET with the parameters in the query; a POST with a JSON body when they would make a long URL. */
  async function ask<T>(path: string, params: Record<string, string | string[] | boolean | number | undefined>) {
    const query = queryString(params);
    if (query.length <= 4000) {
      return (await http.send<T>('runtime', 'GET', path + query, { retryable: true })).body;
    }
    const body = Object.fromEntries(
      Object.entries(params).map(([name, value]) => [name, typeof value === 'number' ? String(value) : value]),
    );
    return (await http.send<T>('runtime', 'POST', path, { body, retryable: true })).body;
  }

  const common = (q: Question) => ({
    [q.evidence === 'roles' ? 'baseAndPath' : 'resource']: asList(q.resource),
    user: q.user,
    action: q.action,
    property: q.property,
    atLeast: atLeastOf(q),
  });

  return {
    /** `true`, `false`, or `null` (no document had an opinion: treat it as "no"). */
    isAllowed: (q: Question) => ask<Answer>(ROUTES.isAllowed[q.evidence ?? 'all'], common(q)),
    /** The answer with the documents that decided (`withScopes`) and each resource's own answer. */
    isAllowedDetails: (q: Question) =>
      ask<IsAllowedDetails>(ROUTES.isAllowed[q.evidence ?? 'all'], {
        ...common(q),
        withScopes: true,
        withIndividualAnswers: true,
      }),
    /** Many resources at once: each one's answer (one request; POSTed when the list is long). */
    isAllowedEach: async (q: Question): Promise<Record<string, Answer>> => {
      const details = await ask<IsAllowedDetails>(ROUTES.isAllowed[q.evidence ?? 'all'], {
        ...common(q),
        withIndividualAnswers: true,
      });
      return details.answers ?? {};
    },
    /** Whether at least one of the resources allows the action. */
    areAnyAllowed: (q: Question) => ask<Answer>(ROUTES.areAny[q.evidence ?? 'all'], common(q)),
    /** Every action the user may take on the resource. */
    allowedActions: (q: Omit<Question, 'action' | 'resource'> & { resource: string }) =>
      ask<string[]>(ROUTES.allowedActions[q.evidence ?? 'all'], { ...common({ ...q, action: '' }), action: undefined }),
    /** Whether the user may make `subject` (absent: a new resource) inherit from `parents`. */
    isAllowedToInheritFrom: (q: { user: string; parents: readonly string[]; subject?: string; atLeast?: number }) =>
      ask<{ allowed: boolean; reason?: string; scopes?: string[] }>('/az-is-allowed-to-inherit-from', {
        user: q.user,
        subject: q.subject,
        sharingSet: [...q.parents],
        atLeast: atLeastOf(q),
      }),
    /** Why: the answer and what decided it (CONTRACT §5 `/az-explain`). */
    explain: (q: { resource: string; action: string; user: string; property?: string; atLeast?: number }) =>
      ask<ExplainAnswer>('/az-explain', {
        resource: q.resource,
        action: q.action,
        user: q.user,
        property: q.property,
        atLeast: atLeastOf(q),
      }),
  };
}
