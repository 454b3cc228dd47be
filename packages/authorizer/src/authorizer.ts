import {
  isAllowed,
  mayKnowOf,
  namespaceCandidates,
  type ActionQuery,
  type Answer,
  type Caller,
  type DocumentLookup,
  type TeamWithId,
  type VisibilityContext,
  ForbiddenError,
  NotFoundError,
  UnauthorizedError,
} from '@permissions/model';
import type { StoreReader } from '@permissions/store';

/** Who is asking, with the teams (and their roles) the engine needs: loaded once per request. */
export interface RequestCaller extends Caller {
  teamsWithRoles: TeamWithId[];
}

export interface Authorizer {
  /** Loads the principal's teams (one query). `null` = a request without a user. */
  callerOf(principal: string | null): Promise<RequestCaller>;
  /**
   * Loads the subjects and all their ancestors in one query, for several synchronous evaluations; for a subject
   * without a document, also the prefixes where its nearest namespace may be (a second query, only then).
   */
  lookup(subjects: string[]): Promise<DocumentLookup>;
  /** The engine's answer for one resource (documents, then the role fallback for `_self`). */
  decide(lookup: DocumentLookup, subject: string, query: ActionQuery, caller: RequestCaller): Decision;
  /**
   * Loads and decides; anything but `true` is refused: 403 when there is a user, 401 otherwise (reference §4).
   * Returns the scopes (the resource and the ancestors visited).
   */
  require(subject: string, query: ActionQuery, caller: RequestCaller): Promise<string[]>;
  /**
   * The check of a route that names a document (CONTRACT §4.10): `query` allowed, the route goes on (its success
   * tells that the document exists, so a governor who may not read still patches); otherwise a document the caller
   * may not know of answers exactly as a missing one (404 `permissions not found for subject`), and one he may know
   * of answers 403 (401 without a user). Returns the lookup (the subject and its ancestors) for further judgements.
   */
  requireVisible(subject: string, query: ActionQuery, caller: RequestCaller): Promise<DocumentLookup>;
}

/** What `mayKnowOf`, `knowledgeAcross` and `visibleSubjects` need, for a loaded lookup and a caller. */
export function visibilityFor(lookup: DocumentLookup, caller: RequestCaller): VisibilityContext {
  return { lookup, caller, teamsWithRoles: caller.teamsWithRoles };
}

/** The answer for a subject without a document, and for one the caller may not know of. */
export function documentNotFound(subject: string): NotFoundError {
  return new NotFoundError('permissions not found for subject', { subject });
}

export interface Decision {
  allowed: Answer;
  scopes: string[];
}

/**
 * Maintenance and teams authorize their own requests in process with the runtime's engine, reading documents
 * through the store (CONTRACT §4.2): one query for the caller's teams, one recursive query per resource.
 */
export function createAuthorizer(store: StoreReader, component: string): Authorizer {
  const authorizer: Authorizer = {
    async callerOf(principal) {
      if (principal === null) return { principal: null, teams: [], teamsWithRoles: [] };
      const teams = await store.getTeamsOfPrincipal(principal);
      const teamsWithRoles = teams.map(({ id, team }) => ({ id, team }));
      return { principal, teams: teams.map((t) => t.id), teamsWithRoles };
    },
    async lookup(subjects) {
      const documents = await store.getDocumentsWithAncestors(subjects);
      const lookup: DocumentLookup = (subject) => documents.get(subject)?.document ?? null;
      const candidates = namespaceCandidates(lookup, subjects).filter((prefix) => !documents.has(prefix));
      if (candidates.length === 0) return lookup;
      for (const [subject, entry] of await store.getDocumentsWithAncestors(candidates)) documents.set(subject, entry);
      return lookup;
    },
    decide(lookup, subject, query, caller) {
      const answer = isAllowed(lookup, subject, query, caller, caller.teamsWithRoles);
      return { allowed: answer.allowed, scopes: answer.scopes };
    },
    async require(subject, query, caller) {
      const lookup = await authorizer.lookup([subject]);
      const decision = authorizer.decide(lookup, subject, query, caller);
      if (decision.allowed !== true) throw refusal(component, subject, query, caller);
      return decision.scopes;
    },
    async requireVisible(subject, query, caller) {
      const lookup = await authorizer.lookup([subject]);
      if (authorizer.decide(lookup, subject, query, caller).allowed === true) return lookup;
      if (!mayKnowOf(visibilityFor(lookup, caller), subject)) throw documentNotFound(subject);
      throw refusal(component, subject, query, caller);
    },
  };
  return authorizer;
}

/** The original's refusal: 403 naming what was asked when a user is known, 401 otherwise. */
export function refusal(component: string, subject: string, query: ActionQuery, caller: Caller): Error {
  const property = query.property ?? '_self';
  if (caller.principal === null) {
    return new UnauthorizedError(`a user token is required to ${query.action} ${property} of ${subject}`);
  }
  return new ForbiddenError(
    `Forbidden. component: ${component} resourceURL: ${subject} property: ${property} action: ${query.action} user: ${caller.principal}`,
  );
}
