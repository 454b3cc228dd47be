import {
  draftRemoval,
  lockingAuthorizer,
  removalRepairTeams,
  settleRemoval,
  type RemovalReport,
} from '@permissions/authorizer';
import {
  BadRequestError,
  ConflictError,
  MAX_REMOVAL_TARGETS,
  ROOT_SUBJECT,
  assertPrincipalLength,
  isPlainObject,
} from '@permissions/model';
import type { Seq } from '@permissions/store';
import type { CommandContext, Requester } from './context';

export interface PrincipalRemovalResult extends RemovalReport {
  /** The principal removed, as documents and teams spell it (an e-mail given is looked up). */
  principal: string;
  dryRun: boolean;
  /** The event of the last change written; null for a dry run or when nothing changed. */
  sequence: Seq | null;
}

/**
 * `POST /az-principals-removal` (CONTRACT §5): removes a principal from every document the caller governs (every
 * action map: `_self`, `_permissionsHeirs`, custom properties) and from the members of every team whose document he
 * may `update`, in one transaction, each change under the rules of its PATCH (see `draftRemoval`, `settleRemoval`).
 * With `dryRun: true` the same transaction decides the same and writes nothing. The documents and teams naming the
 * principal are found by index and locked (teams first) before anything is decided; more than MAX_REMOVAL_TARGETS
 * of them is a 409 naming the bound.
 */
export function createPrincipalRemoval(ctx: CommandContext) {
  return {
    async execute(input: { body: unknown; requester: Requester }): Promise<PrincipalRemovalResult> {
      const { principal: given, dryRun } = parseBody(input.body);
      const acting = input.requester.user ?? input.requester.client;
      const [principal] = await ctx.normaliser.normalise([given], { actor: acting });
      const now = ctx.now();
      const written = await ctx.store.write(async (tx) => {
        const authorizer = lockingAuthorizer(tx, 'maintenance');
        const caller = await authorizer.callerOf(acting);
        const teamIds = (await tx.getTeamsOfPrincipal(principal)).map((team) => team.id);
        const subjects = await tx.getSubjectsNamingPrincipal(principal, MAX_REMOVAL_TARGETS + 1);
        if (teamIds.length + subjects.length > MAX_REMOVAL_TARGETS) {
          throw new ConflictError(
            `${principal} is named in more than ${MAX_REMOVAL_TARGETS} documents and teams, more than one removal may change; remove it from some of them first`,
            { limit: MAX_REMOVAL_TARGETS },
          );
        }
        const teams = await tx.lockTeamsForUpdate(teamIds);
        const documents = await tx.lockDocumentsForUpdate(subjects);
        const lookup = await authorizer.lookup([...documents.keys(), ...teams.keys(), ROOT_SUBJECT]);
        const draft = draftRemoval({
          principal,
          documents: [...documents.values()],
          teams: [...teams.values()],
          lookup,
          caller,
          decide: (...args) => authorizer.decide(...args),
        });
        const members = await tx.getTeamMembers(removalRepairTeams(draft, lookup));
        const plan = settleRemoval(draft, lookup, members, { acting, now });
        if (!dryRun) {
          await tx.updateTeams(plan.teams);
          await tx.updateDocuments(plan.documents);
        }
        return plan.report;
      });
      return { principal, dryRun, ...written.result, sequence: written.seq };
    },
  };
}

/** `{"principal": P, "dryRun": true|false}`: both required, so that a removal is never made by omission. */
function parseBody(body: unknown): { principal: string; dryRun: boolean } {
  if (!isPlainObject(body) || typeof body.principal !== 'string' || body.principal === '') {
    throw new BadRequestError('invalid JSON: the body must be {"principal": "…", "dryRun": true|false}');
  }
  if (typeof body.dryRun !== 'boolean') {
    throw new BadRequestError('invalid JSON: "dryRun" must be true (say what would change) or false (change it)');
  }
  assertPrincipalLength(body.principal, 'the request');
  return { principal: body.principal, dryRun: body.dryRun };
}
