import {
  allowedActions,
  allowedActionsWithRoles,
  anyAllowed,
  checkInheritanceChange,
  combineAll,
  isAllowed,
  isAllowedByDocuments,
  parentsOf,
  roleActions,
  roleDecision,
  type Answer,
  type Caller,
  type TeamWithId,
} from '@permissions/model';
import type { DocumentSource } from '../document-source/types';
import type { ActorsSource } from '../actors-source';
import { memoKey, type DecisionMemo } from './decision-memo';

/** Which evidence a route uses: documents and the role fallback, documents only, or team roles only. */
export type Evidence = 'all' | 'documents' | 'roles';

export interface Asked {
  principal: string | null;
  resources: string[];
  property: string;
}

export interface IsAllowedResult {
  allowed: Answer;
  scopes: Record<string, string[]>;
  answers: Record<string, Answer>;
}

/** Answers the runtime's questions from the cached sources with the pure engine, remembering answers. */
export function createAnswerer(documents: DocumentSource, actors: ActorsSource, memo: DecisionMemo) {
  async function callerOf(principal: string | null): Promise<{ caller: Caller; teamsWithRoles: TeamWithId[] }> {
    const entry = await actors.actorsOf(principal);
    return { caller: { principal, teams: entry.teams }, teamsWithRoles: entry.teamsWithRoles };
  }

  async function answersFor(asked: Asked, action: string, evidence: Evidence): Promise<IsAllowedResult> {
    const { principal, property, resources } = asked;
    // Null-prototype records: a resource may be any string, `__proto__` included.
    const result: IsAllowedResult = { allowed: null, scopes: Object.create(null), answers: Object.create(null) };
    const answers: Answer[] = new Array(resources.length);
    const generation = memo.generation();
    const now = Date.now();
    let missed: number[] | undefined;
    for (let i = 0; i < resources.length; i++) {
      const hit = memo.get(memoKey(principal, property, action, evidence, resources[i]), now);
      if (hit === undefined) (missed ??= []).push(i);
      else {
        answers[i] = hit.answer;
        result.answers[resources[i]] = hit.answer;
        result.scopes[resources[i]] = hit.scopes;
      }
    }
    if (missed !== undefined) {
      // Documents first: loading them may import a legacy org on demand, whose new teams the caller's actors must
      // then include (the import's events have invalidated them by the time the load returns).
      const lookup = evidence === 'roles' ? () => null : await documents.load(missed.map((i) => resources[i]));
      const { caller, teamsWithRoles } = await callerOf(principal);
      for (const i of missed) {
        const resource = resources[i];
        let answer: Answer;
        let scopes: string[];
        if (evidence === 'roles') {
          const role = property === '_self' ? roleDecision(teamsWithRoles, resource, action) : { allowed: false };
          answer = role.allowed ? true : null;
          scopes = 'base' in role && role.base !== undefined && role.allowed ? [role.base] : [];
        } else {
          const query = { property, action };
          const decided =
            evidence === 'all'
              ? isAllowed(lookup, resource, query, caller, teamsWithRoles)
              : isAllowedByDocuments(lookup, resource, query, caller);
          answer = decided.allowed;
          scopes = decided.scopes;
        }
        memo.set(memoKey(principal, property, action, evidence, resource), answer, scopes, generation, now);
        answers[i] = answer;
        result.answers[resource] = answer;
        result.scopes[resource] = scopes;
      }
    }
    result.allowed = resources.length === 0 ? null : combineAll(answers);
    return result;
  }

  return {
    callerOf,
    isAllowed: answersFor,

    /** True when any resource is allowed; otherwise null (nobody granted) or false (every resource vetoed). */
    async areAnyAllowed(asked: Asked, action: string, evidence: Evidence): Promise<Answer> {
      const { answers } = await answersFor(asked, action, evidence);
      return anyAllowed(Object.values(answers));
    },

    async allowedActions(asked: Asked, evidence: Evidence): Promise<string[]> {
      const resource = asked.resources[0];
      // Documents before teams, as in answersFor: the load may import the resource's legacy org.
      const lookup = evidence === 'roles' ? () => null : await documents.load([resource]);
      const { caller, teamsWithRoles } = await callerOf(asked.principal);
      if (evidence === 'roles') return asked.property === '_self' ? roleActions(teamsWithRoles, resource) : [];
      if (evidence === 'documents') return allowedActions(lookup, resource, asked.property, caller).actions;
      return allowedActionsWithRoles(lookup, resource, asked.property, caller, teamsWithRoles).actions;
    },

    /** Reference §6.7 with B6 fixed: always `{allowed, …}`, never a crash. */
    async inheritFrom(principal: string | null, subject: string | undefined, sharingSet: string[]) {
      const lookup = await documents.load(subject === undefined ? sharingSet : [subject, ...sharingSet]);
      const { caller } = await callerOf(principal);
      const current = subject === undefined ? null : lookup(subject);
      return checkInheritanceChange(
        lookup,
        { subject, currentParents: current ? parentsOf(current) : [], newParents: sharingSet },
        caller,
      );
    },
  };
}

export type Answerer = ReturnType<typeof createAnswerer>;
