import {
  isPlainObject,
  validateTeam,
  type Team,
  BadRequestError,
  ConflictError,
  ForbiddenError,
  NotFoundError,
  UnauthorizedError,
} from '@permissions/model';
import { applyPatchBody, assertIfMatch } from '@permissions/http-kit';
import type { StoredTeam } from '@permissions/store';
import type { TeamsContext, Requester } from './context';
import { grantRoles } from './roles-authorization';
import { stampsOf, stripServerFields } from './team-representation';

const acting = (r: Requester) => r.user ?? r.client;

/** Read, patch, delete and list teams (reference §8). */
export function createTeamCommands(ctx: TeamsContext) {
  async function load(id: string): Promise<StoredTeam> {
    const stored = await ctx.store.getTeam(id);
    if (!stored) throw new NotFoundError('unable to find team', { id });
    return stored;
  }

  return {
    /** `GET /az-tm-{id}`: the database first (404), then `_self.read` on the team. */
    async read(id: string, requester: Requester): Promise<StoredTeam> {
      const stored = await load(id);
      await ctx.authorizer.require(id, { action: 'read' }, await ctx.authorizer.callerOf(acting(requester)));
      return stored;
    },

    /**
     * `PATCH /az-tm-{id}`: `_self.update`, If-Match before the patch is applied (412), merge or JSON patch,
     * re-validation (members array, roles shape: W1 and B14), normalised members, roles on governed bases only.
     */
    async patch(input: {
      id: string;
      contentType: string | undefined;
      ifMatch: string | undefined;
      patch: unknown;
      requester: Requester;
    }): Promise<{ team: Team; seq: number }> {
      const stored = await load(input.id);
      const caller = await ctx.authorizer.callerOf(acting(input.requester));
      await ctx.authorizer.require(input.id, { action: 'update' }, caller);
      assertIfMatch(input.ifMatch, stored.seq);

      const patched = applyPatchBody(input.contentType, stored.team, input.patch);
      // A JSON patch may replace the whole team (path ""), even by a string: spread, it would lose that mistake.
      if (!isPlainObject(patched)) throw new BadRequestError('the patched team must be a JSON object');
      let team = validateTeam(stripServerFields(input.id, patched, stored.team));
      team = { ...team, members: await ctx.normaliser.normalise(team.members) };
      const rolesGrantedOn = await grantRoles(ctx.authorizer, caller, team.roles, stored.team);
      const who = acting(input.requester);
      const updated: Team = {
        ...team,
        ...stampsOf(stored.team),
        ...(who ? { modifier: who } : {}),
        modified: ctx.now(),
        ...(rolesGrantedOn ? { rolesGrantedOn } : {}),
      };
      const { seq } = await ctx.store.write((tx) => tx.updateTeam(input.id, updated, stored.seq));
      return { team: updated, seq: seq as number };
    },

    /**
     * `DELETE /az-tm-{id}`: `_self.delete`; the team and its permissions document go in one transaction (B14),
     * refused (409) while documents still inherit from the team's document.
     */
    async delete(id: string, requester: Requester): Promise<{ deleted: StoredTeam; seq: number }> {
      await load(id);
      await ctx.authorizer.require(id, { action: 'delete' }, await ctx.authorizer.callerOf(acting(requester)));
      // Checked inside the transaction that deletes, so the 409 answers for the state the delete would act on. A
      // DELETE has no If-Match: it removes the team as it is then (a concurrent PATCH does not make it a 412).
      const { result, seq } = await ctx.store.write(async (tx) => {
        const heirs = await tx.getHeirs(id);
        if (heirs.length > 0) {
          throw new ConflictError(`documents still inherit from the permissions of team ${id}`, { heirs });
        }
        const { deleted } = await tx.deleteTeam(id);
        if (await tx.getDocumentForUpdate(id)) await tx.deleteDocument(id);
        return deleted;
      });
      return { deleted: result, seq: seq as number };
    },

    /** `GET /az-teams?{user}`: the teams of the caller himself, as relative URLs (B22). */
    async teamsOf(user: string, requester: Requester): Promise<string[]> {
      if (user !== requester.user) {
        if (requester.user === null) throw new UnauthorizedError('a user token is required');
        throw new ForbiddenError('user in query string must match user in token', {
          querystringUser: user,
          tokenUser: requester.user,
        });
      }
      return (await ctx.store.getTeamsOfPrincipal(user)).map((t) => t.id);
    },
  };
}
