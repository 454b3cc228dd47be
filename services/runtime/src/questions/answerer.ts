import {
  allowedActions,
  allowedActionsWithRoles,
  anyAllowed,
  basesReaching,
  checkInheritanceChange,
  combineAll,
  isAllowed,
  isAllowedByDocuments,
  namespaceCandidates,
  overlayLookups,
  parentsOf,
  roleActions,
  roleDecision,
  type Answer,
  type Caller,
  type DocumentLookup,
  type TeamWithId,
} from '@permissions/model';
import type { DocumentSource } from '../document-source/types';
import type { ActorsSource } from '../actors-source';
import { askerKey, type DecisionMemo } from './decision-memo';

/** Which evidence a route uses: documents and the role fallback, documents only, or team roles only. */
export type Evidence = 'all' | 'documents' | 'roles';

export interface Asked {
  principal: string | null;
  resources: string[];
  property: string;
}

/** Answers aligned with the resources asked about (index i answers resources[i]). */
export interface IsAllowedResult {
  allowed: Answer;
  resources: string[];
  answers: Answer[];
  scopes: string[][];
}

/**
 * The resources' documents and ancestors and, for those without a document, where their nearest namespace may be
 * (CONTRACT §4.8: only its roles decide for them): a second load, only when some resource has no document.
 */
async function loadForDecision(documents: DocumentSource, resources: string[]): Promise<DocumentLookup> {
  const lookup = await documents.load(resources);
  const candidates = namespaceCandidates(lookup, resources);
  return candidates.length === 0 ? lookup : overlayLookups(lookup, await documents.load(candidates));
}

/** Answers the runtime's questions from the cached sources with the pure engine, remembering answers. */
export function createAnswerer(documents: DocumentSource, actors: ActorsSource, memo: DecisionMemo) {
  async function callerOf(principal: string | null): Promise<{ caller: Caller; teamsWithRoles: TeamWithId[] }> {
    const entry = await actors.actorsOf(principal);
    return { caller: { principal, teams: entry.teams }, teamsWithRoles: entry.teamsWithRoles };
  }

  /** The answers when every one is remembered, synchronously; undefined as soon as one is not. */
  function rememberedAnswers(asked: Asked, action: string, evidence: Evidence): IsAllowedResult | undefined {
    const { resources } = asked;
    const remembered = memo.asker(askerKey(asked.principal, asked.property, action, evidence));
    if (remembered === undefined) return undefined;
    const now = Date.now();
    const answers: Answer[] = new Array(resources.length);
    const scopes: string[][] = new Array(resources.length);
    for (let i = 0; i < resources.length; i++) {
      const hit = remembered.answers.get(resources[i]);
      if (hit === undefined || hit.expiresAt <= now) return undefined;
      answers[i] = hit.answer;
      scopes[i] = hit.scopes;
    }
    return { allowed: resources.length === 0 ? null : combineAll(answers), resources, answers, scopes };
  }

  async function answersFor(asked: Asked, action: string, evidence: Evidence): Promise<IsAllowedResult> {
    const remembered = rememberedAnswers(asked, action, evidence);
    if (remembered !== undefined) return remembered;
    const { principal, property, resources } = asked;
    const key = askerKey(principal, property, action, evidence);
    const answers: Answer[] = new Array(resources.length);
    const scopes: string[][] = new Array(resources.length);
    const generation = memo.generation();
    const now = Date.now();
    // Documents first: loading them may import a legacy org on demand, whose new teams the caller's actors must
    // then include (the import's events have invalidated them by the time the load returns).
    // The roles-only routes load documents too: a base's roles reach only resources without a document or whose
    // document inherits from the base's (basesReaching), or a base someone else governs would cover them.
    const lookup = await loadForDecision(documents, resources);
    const { caller, teamsWithRoles } = await callerOf(principal);
    for (let i = 0; i < resources.length; i++) {
      const resource = resources[i];
      if (evidence === 'roles') {
        const role =
          property === '_self'
            ? roleDecision(teamsWithRoles, resource, action, basesReaching(lookup, resource))
            : undefined;
        answers[i] = role?.allowed ? true : null;
        scopes[i] = role?.allowed && role.base !== undefined ? [role.base] : [];
      } else {
        const query = { property, action };
        const decided =
          evidence === 'all'
            ? isAllowed(lookup, resource, query, caller, teamsWithRoles)
            : isAllowedByDocuments(lookup, resource, query, caller);
        answers[i] = decided.allowed;
        scopes[i] = decided.scopes;
      }
      memo.set(key, resource, answers[i], scopes[i], generation, now);
    }
    return { allowed: resources.length === 0 ? null : combineAll(answers), resources, answers, scopes };
  }

  return {
    callerOf,
    isAllowed: answersFor,
    rememberedAnswers,

    /** True when any resource is allowed; otherwise null (nobody granted) or false (every resource vetoed). */
    async areAnyAllowed(asked: Asked, action: string, evidence: Evidence): Promise<Answer> {
      return anyAllowed((await answersFor(asked, action, evidence)).answers);
    },

    async allowedActions(asked: Asked, evidence: Evidence): Promise<string[]> {
      const resource = asked.resources[0];
      // Documents before teams, as in answersFor: the load may import the resource's legacy org.
      const lookup = await loadForDecision(documents, [resource]);
      const { caller, teamsWithRoles } = await callerOf(asked.principal);
      if (evidence === 'roles') {
        return asked.property === '_self' ? roleActions(teamsWithRoles, resource, basesReaching(lookup, resource)) : [];
      }
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
