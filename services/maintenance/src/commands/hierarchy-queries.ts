import { refusal, type RequestCaller } from '@permissions/authorizer';
import {
  ANYONE,
  INCOGNITO,
  issuerOf,
  reachableDocuments,
  type ActionQuery,
  type PermissionsDocument,
  ForbiddenError,
  NotFoundError,
  UnauthorizedError,
} from '@permissions/model';
import type { CommandContext, Requester } from './context';

/** The read-only hierarchy queries of reference §7.5, each one SQL statement plus in-process authorization. */
export function createHierarchyQueries(ctx: CommandContext) {
  const callerOf = (r: Requester) => ctx.authorizer.callerOf(r.user ?? r.client);

  /** 404 when the subject has no document (as the original's runtime answered), else the check of `query`. */
  async function requireOnDocument(subject: string, query: ActionQuery, caller: RequestCaller): Promise<void> {
    const lookup = await ctx.authorizer.lookup([subject]);
    if (!lookup(subject)) throw new NotFoundError('permissions not found for subject', { subject });
    if (ctx.authorizer.decide(lookup, subject, query, caller).allowed !== true) {
      throw refusal('maintenance', subject, query, caller);
    }
  }

  return {
    /** Direct heirs; `_self.read` on the subject. */
    async heirs(subject: string, requester: Requester): Promise<string[]> {
      await requireOnDocument(subject, { action: 'read' }, await callerOf(requester));
      return ctx.store.getHeirs(subject);
    },

    /**
     * Direct heirs with the requested properties copied from their documents, in one query (B12): `_sharedWith`
     * and `_sharedWithCount` come from each heir's `_metadata.sharedWith`.
     */
    async heirsDetails(
      subject: string,
      properties: string[],
      requester: Requester,
    ): Promise<Array<Record<string, unknown>>> {
      const caller = await callerOf(requester);
      await requireOnDocument(subject, { action: 'read' }, caller);
      const heirs = await ctx.store.getHeirDocuments(subject);
      if (heirs.length === 0) return [];
      // An heir's properties (who it is shared with…) are shown only to whoever may read that heir: inheriting
      // from a readable parent does not make an heir readable when its own constraints veto it.
      const lookup = await ctx.authorizer.lookup(heirs.map((h) => h.document._subject));
      return heirs.map(({ document }) =>
        ctx.authorizer.decide(lookup, document._subject, { action: 'read' }, caller).allowed === true
          ? detailsOf(document, properties)
          : { self: document._subject },
      );
    },

    /**
     * Principals and teams that appear in `_self` of the subject or any ancestor; the caller needs `_self.admin` on
     * each of those documents (reference §7.5). One recursive query loads them all.
     */
    async usersWhoCanAccess(subject: string, requester: Requester): Promise<string[]> {
      const lookup = await ctx.authorizer.lookup([subject]);
      const { documents } = reachableDocuments(lookup, [subject]);
      if (documents.length === 0 || documents[0].subject !== subject) {
        throw new NotFoundError('permissions not found for subject', { subject });
      }
      const caller = await callerOf(requester);
      for (const { subject: s } of documents) {
        if (ctx.authorizer.decide(lookup, s, { action: 'admin' }, caller).allowed !== true) {
          throw caller.principal === null
            ? new UnauthorizedError(`a user token is required to list who can access ${subject}`)
            : new ForbiddenError(
                `Forbidden. ${caller.principal} may not admin ${s}` +
                  (s === subject ? '' : `, which ${subject} inherits from`) +
                  `: listing who can access ${subject} needs _self.admin on it and on every document it inherits from`,
              );
        }
      }
      const principals = documents.flatMap(({ doc }) => doc._metadata?.sharedWith ?? []);
      return [...new Set(principals)].sort();
    },

    /**
     * Subjects shared with the user, one of the user's teams or a wildcard that covers the user (B13: one spelling).
     * Only the user may ask for himself; anyone may ask for a wildcard principal.
     */
    async resourcesSharedWith(user: string, requester: Requester): Promise<string[]> {
      const wildcard = user === INCOGNITO || user === ANYONE || user.endsWith('#anyone');
      if (!wildcard && user !== requester.user) {
        if (requester.user === null) throw new UnauthorizedError('a user token is required');
        throw new ForbiddenError('user in query string must match user in token', {
          querystringUser: user,
          tokenUser: requester.user,
        });
      }
      const principals = wildcard ? [user] : await principalsCovering(ctx, user);
      // `/` is the system's own configuration (who may create, who governs), not a resource shared with its
      // governors: listing it would make every bootstrap governor's answer start with `/` (reference S7, S19).
      return (await ctx.store.getSubjectsSharedWith(principals)).filter((subject) => subject !== '/');
    },

    /** Documents shared with the team (or a wildcard) and all their heirs; `_self.update` on the team. */
    async accessibleByTeamMembers(team: string, requester: Requester): Promise<string[]> {
      await requireOnDocument(team, { action: 'update' }, await callerOf(requester));
      return ctx.store.getSubjectsSharedWithAndHeirs([team, INCOGNITO, ANYONE]);
    },
  };
}

async function principalsCovering(ctx: CommandContext, user: string): Promise<string[]> {
  const caller = await ctx.authorizer.callerOf(user);
  const issuer = issuerOf(user);
  return [user, ...caller.teams, INCOGNITO, ANYONE, ...(issuer ? [`${issuer}#anyone`] : [])];
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
