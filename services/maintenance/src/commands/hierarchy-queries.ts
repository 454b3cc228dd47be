import { documentNotFound, refusal, visibilityFor, type RequestCaller } from '@permissions/authorizer';
import {
  ANYONE,
  INCOGNITO,
  ISSUER_ANYONE_SUFFIX,
  isTeamUrl,
  issuerOf,
  knowledgeAcross,
  mayKnowOf,
  reachableDocuments,
  visibleSubjects,
  type PermissionsDocument,
  BadRequestError,
  ForbiddenError,
  UnauthorizedError,
} from '@permissions/model';
import type { CommandContext, Requester } from './context';

/**
 * The read-only hierarchy queries of reference §7.5. What each answers about a document goes through the model's
 * visibility rule (CONTRACT §4.10): a subject the caller may not know of answers as a missing one, and listings hold
 * only documents the caller may know of (a veto that hides a document from him hides it here too).
 */
export function createHierarchyQueries(ctx: CommandContext) {
  const callerOf = (r: Requester) => ctx.authorizer.callerOf(r.user ?? r.client);

  /** The subjects of `subjects` the caller may know of, in their order: one query, one pass over the graph. */
  async function visibleTo(caller: RequestCaller, subjects: string[]): Promise<string[]> {
    if (subjects.length === 0) return [];
    const lookup = await ctx.authorizer.lookup(subjects);
    return visibleSubjects(visibilityFor(lookup, caller), subjects);
  }

  return {
    /** Direct heirs the caller may know of; `_self.read` on the subject. */
    async heirs(subject: string, requester: Requester): Promise<string[]> {
      const caller = await callerOf(requester);
      await ctx.authorizer.requireVisible(subject, { action: 'read' }, caller);
      return visibleTo(caller, await ctx.store.getHeirs(subject));
    },

    /**
     * Direct heirs with the requested properties copied from their documents (B12: `_sharedWith` and
     * `_sharedWithCount` come from each heir's `_metadata.sharedWith`). An heir's properties are copied only for a
     * caller who may read its content (as `GET /az-permissions` would answer him); one he may only know of is
     * `{self}`; one he may not know of is not listed. Inheriting from a readable parent does not make an heir
     * readable: the original fetched each heir with the caller's rights.
     */
    async heirsDetails(
      subject: string,
      properties: string[],
      requester: Requester,
    ): Promise<Array<Record<string, unknown>>> {
      const caller = await callerOf(requester);
      await ctx.authorizer.requireVisible(subject, { action: 'read' }, caller);
      const heirs = await ctx.store.getHeirDocuments(subject);
      if (heirs.length === 0) return [];
      const subjects = heirs.map((h) => h.document._subject);
      const knowledge = knowledgeAcross(visibilityFor(await ctx.authorizer.lookup(subjects), caller), subjects);
      return heirs.flatMap(({ document }) => {
        const known = knowledge(document._subject);
        if (known === 'nothing') return [];
        return [known === 'content' ? detailsOf(document, properties) : { self: document._subject }];
      });
    },

    /**
     * Principals and teams that appear in `_self` of the subject or any ancestor; the caller must be allowed to read
     * the content (`_self.admin`) of each of those documents (reference §7.5). One recursive query loads them all and
     * one pass of the engine judges them all (a deep chain stays linear, issue 18 item 11).
     */
    async usersWhoCanAccess(subject: string, requester: Requester): Promise<string[]> {
      const caller = await callerOf(requester);
      const lookup = await ctx.authorizer.lookup([subject]);
      const knowledge = knowledgeAcross(visibilityFor(lookup, caller), [subject]);
      if (knowledge(subject) === 'nothing') throw documentNotFound(subject);
      const { documents } = reachableDocuments(lookup, [subject]);
      const refused = documents.find((d) => knowledge(d.subject) !== 'content');
      if (refused !== undefined) {
        if (caller.principal === null) {
          throw new UnauthorizedError(`a user token is required to list who can access ${subject}`);
        }
        // An ancestor is named only to a caller who may know of it: the chain is not his to learn otherwise.
        const which =
          refused.subject === subject
            ? subject
            : knowledge(refused.subject) === 'existence'
              ? `${refused.subject}, which ${subject} inherits from`
              : `every document ${subject} inherits from`;
        throw new ForbiddenError(
          `Forbidden. ${caller.principal} may not admin ${which}: listing who can access ${subject} needs ` +
            '_self.admin on it and on every document it inherits from',
        );
      }
      const principals = documents.flatMap(({ doc }) => doc._metadata?.sharedWith ?? []);
      return [...new Set(principals)].sort();
    },

    /**
     * Documents the caller may know of that are shared with him, one of his teams or a wildcard that covers him
     * (B13: one spelling). He may ask for himself or for one of those wildcards (what is shared with everyone he may
     * list, but only as far as it covers him); asking for anyone else is refused.
     */
    async resourcesSharedWith(user: string, requester: Requester): Promise<string[]> {
      const acting = requester.user ?? requester.client;
      const wildcards = acting === null ? [INCOGNITO, ANYONE] : wildcardsCovering(acting);
      const wildcard = wildcards.includes(user);
      if (!wildcard && (requester.user === null || user !== requester.user)) {
        if (requester.user === null) throw new UnauthorizedError('a user token is required');
        throw new ForbiddenError('user in query string must match user in token', {
          querystringUser: user,
          tokenUser: requester.user,
        });
      }
      const caller = await callerOf(requester);
      const principals = wildcard ? [user] : [user, ...caller.teams, ...wildcards];
      // `/` is the system's own configuration (who may create, who governs), not a resource shared with its
      // governors: listing it would make every bootstrap governor's answer start with `/` (reference S7, S19).
      const shared = (await ctx.store.getSubjectsSharedWith(principals)).filter((subject) => subject !== '/');
      return visibleTo(caller, shared);
    },

    /**
     * Documents shared with the team (or a wildcard) and all their heirs, as far as the caller may know of each.
     * `team` must name an existing team (400 otherwise, and for a team the caller may not know of: he learns
     * nothing from the difference); the caller needs `_self.update` on the team's document, as in the original.
     */
    async accessibleByTeamMembers(team: string, requester: Requester): Promise<string[]> {
      const notATeam = () => new BadRequestError('team must name a team (/az-tm-…) that exists', { team });
      if (!isTeamUrl(team) || (await ctx.store.getTeam(team)) === null) throw notATeam();
      const caller = await callerOf(requester);
      const lookup = await ctx.authorizer.lookup([team]);
      if (ctx.authorizer.decide(lookup, team, UPDATE, caller).allowed !== true) {
        if (!mayKnowOf(visibilityFor(lookup, caller), team)) throw notATeam();
        throw refusal('maintenance', team, UPDATE, caller);
      }
      return visibleTo(caller, await ctx.store.getSubjectsSharedWithAndHeirs([team, INCOGNITO, ANYONE]));
    },
  };
}

const UPDATE = { action: 'update' } as const;

/** The wildcard principals that cover `principal`: everyone, every authenticated principal, its issuer's anyone. */
function wildcardsCovering(principal: string): string[] {
  const issuer = issuerOf(principal);
  return [INCOGNITO, ANYONE, ...(issuer ? [`${issuer}${ISSUER_ANYONE_SUFFIX}`] : [])];
}

function detailsOf(document: PermissionsDocument, properties: string[]): Record<string, unknown> {
  const details: Record<string, unknown> = { self: document._subject };
  const sharedWith = document._metadata?.sharedWith ?? [];
  for (const property of properties) {
    if (property === '_sharedWith') details._sharedWith = sharedWith;
    else if (property === '_sharedWithCount') details._sharedWithCount = sharedWith.length;
    else if (Object.prototype.hasOwnProperty.call(document, property)) details[property] = document[property];
  }
  return details;
}
