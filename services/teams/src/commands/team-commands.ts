import { lockingAuthorizer, refusal, type Authorizer, type RequestCaller } from '@permissions/authorizer';
import {
  buildMetadata,
  isLeaving,
  planDeletion,
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
import { appended, type StoredTeam } from '@permissions/store';
import type { TeamsContext, Requester } from './context';
import { assertMembershipBound } from './membership-bound';
import { grantRoles } from './roles-authorization';
import { stampsOf, stripServerFields } from './team-representation';

const acting = (r: Requester) => r.user ?? r.client;

export interface TeamPatchInput {
  id: string;
  contentType: string | undefined;
  ifMatch: string | undefined;
  patch: unknown;
  requester: Requester;
}

function missing(id: string): never {
  throw new NotFoundError('unable to find team', { id });
}

const UPDATE = { action: 'update' } as const;

/**
 * The original's order on the team `load` reads (plainly before the write, locked for update inside it): 404, then
 * `update` (403), If-Match (412), the patch (400), validation. A member without `update` gets past the 403 only to
 * find that his change must be his leaving (else the same 403).
 */
async function patchedVersion(
  authorizer: Authorizer,
  load: () => Promise<StoredTeam>,
  input: TeamPatchInput,
): Promise<{ stored: StoredTeam; team: Team; caller: RequestCaller }> {
  const stored = await load();
  const who = acting(input.requester);
  const caller = await authorizer.callerOf(who);
  const lookup = await authorizer.lookup([input.id]);
  const mayUpdate = authorizer.decide(lookup, input.id, UPDATE, caller).allowed === true;
  const isMember = who !== null && stored.team.members.includes(who);
  if (!mayUpdate && !isMember) throw refusal('teams', input.id, UPDATE, caller);
  assertIfMatch(input.ifMatch, stored.seq);

  const patched = applyPatchBody(input.contentType, stored.team, input.patch);
  // A JSON patch may replace the whole team (path ""), even by a string: spread, it would lose that mistake.
  if (!isPlainObject(patched)) throw new BadRequestError('the patched team must be a JSON object');
  const team = validateTeam(stripServerFields(input.id, patched, stored.team));
  if (!mayUpdate && !isLeaving(stored.team, team, who)) throw refusal('teams', input.id, UPDATE, caller);
  return { stored, team, caller };
}

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
     * re-validation (members array, roles shape: W1 and B14), normalised members, roles on governed bases only,
     * members not put in more teams than others may put them in. A member without `update` may still remove
     * himself, and nothing else (`isLeaving`). Decided again inside the write, on the team locked for update and
     * the documents and teams the decision read locked for share (CONTRACT §4.8).
     */
    async patch(input: TeamPatchInput): Promise<{ team: Team; seq: number }> {
      const first = await patchedVersion(ctx.authorizer, () => load(input.id), input);
      const resolved = await ctx.normaliser.resolve(first.team.members, {
        actor: acting(input.requester),
        verified: first.stored.team.members,
      });
      const written = await ctx.store.write(async (tx) => {
        const authorizer = lockingAuthorizer(tx, 'teams');
        const {
          stored,
          team: patched,
          caller,
        } = await patchedVersion(
          authorizer,
          async () => (await tx.getTeamForUpdate(input.id)) ?? missing(input.id),
          input,
        );
        const team = { ...patched, members: [...new Set(patched.members.map((m) => resolved.get(m) ?? m))] };
        const who = acting(input.requester);
        await assertMembershipBound(tx, team.members, stored.team.members, who);
        const rolesGrantedOn = await grantRoles(authorizer, caller, team.roles, stored.team);
        const updated: Team = {
          ...team,
          ...stampsOf(stored.team),
          ...(who ? { modifier: who } : {}),
          modified: ctx.now(),
          ...(rolesGrantedOn ? { rolesGrantedOn } : {}),
        };
        await tx.updateTeam(input.id, updated, stored.seq);
        return updated;
      });
      const { result, seq } = appended(written);
      return { team: result, seq };
    },

    /**
     * `DELETE /az-tm-{id}/members?{principal}`: a member leaves a team, which he may always do, even when he may not
     * read it (so he cannot write a patch of its members). Only the principal himself may ask; the answer says no
     * more about the team than that he left it.
     */
    async leave(id: string, principal: string, requester: Requester): Promise<{ seq: number }> {
      if (requester.user === null) throw new UnauthorizedError('a user token is required to leave a team');
      if (principal !== requester.user) {
        throw new ForbiddenError('a principal may only remove himself from a team', {
          principal,
          tokenUser: requester.user,
        });
      }
      const written = await ctx.store.write(async (tx) => {
        const stored = await tx.getTeamForUpdate(id);
        if (!stored || !stored.team.members.includes(principal)) {
          throw new NotFoundError(`${principal} is not a member of team ${id}`, { id });
        }
        const members = stored.team.members.filter((member) => member !== principal);
        await tx.updateTeam(id, { ...stored.team, members, modifier: principal, modified: ctx.now() }, stored.seq);
      });
      return { seq: appended(written).seq };
    },

    /**
     * `DELETE /az-tm-{id}`: `_self.delete`; the team and its permissions document go in one transaction (B14),
     * refused (409) while documents still inherit from the team's document, unless `cascade=true`: then those
     * documents are detached from it (an update event each; one left with neither parent nor governor inherits
     * from `/`), so whoever may delete a team always can (CONTRACT §4.10). Decided inside the write, on the team and
     * its document locked for update, so the 409 answers for the state the delete acts on. A DELETE has no
     * If-Match: it removes the team as it is then.
     */
    async delete(id: string, requester: Requester, cascade = false): Promise<{ deleted: StoredTeam; seq: number }> {
      const written = await ctx.store.write(async (tx) => {
        const authorizer = lockingAuthorizer(tx, 'teams');
        const stored = (await tx.getTeamForUpdate(id)) ?? missing(id);
        const caller = await authorizer.callerOf(acting(requester));
        await tx.getDocumentForUpdate(id);
        await authorizer.require(id, { action: 'delete' }, caller);
        const heirs = await tx.getHeirs(id);
        if (heirs.length > 0 && !cascade) {
          throw new ConflictError(
            `documents still inherit from the permissions of team ${id}; detach them first or delete with cascade`,
            { heirs },
          );
        }
        if (heirs.length > 0) {
          await tx.lockDocumentsForUpdate(heirs);
          const plan = planDeletion(await authorizer.lookup([id, ...heirs]), id, heirs, () => false);
          const stamp = { principal: acting(requester), now: ctx.now(), isCreate: false };
          for (const { document } of plan.detached) {
            await tx.updateDocument({ ...document, _metadata: buildMetadata(document, document._metadata, stamp) });
          }
        }
        await tx.deleteTeam(id, stored.seq);
        if (await tx.getDocument(id)) await tx.deleteDocument(id);
        return stored;
      });
      const { result, seq } = appended(written);
      return { deleted: result, seq };
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
