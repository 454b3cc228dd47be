import {
  basesGrantedAnew,
  bindRoles,
  canonicalBase,
  incarnationOf,
  type Roles,
  type Team,
  BadRequestError,
  ForbiddenError,
} from '@permissions/model';
import type { Authorizer, RequestCaller } from '@permissions/authorizer';

/**
 * W1 and CONTRACT §4.8: a team's roles grant its members access under each base, so a write that grants roles on a
 * base anew (see `basesGrantedAnew`) needs `govern` on that base's document, and binds them to that document: the
 * answer is the team's new `rolesGrantedOn`, which the caller stores with the team. Bases whose roles are unchanged
 * keep their binding, so a team's maintainer can edit members without governing bases someone else (the migration)
 * granted, and can never revive a role whose base document was deleted since.
 */
export async function grantRoles(
  authorizer: Authorizer,
  caller: RequestCaller,
  newRoles: Roles | undefined,
  previous: Team | undefined,
): Promise<Record<string, number> | undefined> {
  const anew = basesGrantedAnew(newRoles, previous?.roles);
  const incarnations = new Map<string, number>();
  if (anew.length > 0) {
    const lookup = await authorizer.lookup(anew);
    const spelled = (base: string) => Object.keys(newRoles ?? {}).find((key) => canonicalBase(key) === base) ?? base;
    for (const base of anew) {
      // The base as the role fallback reads it: govern on `…/o/acme/` as written would be govern on a document anyone
      // may create, for roles that cover `…/o/acme`.
      if (authorizer.decide(lookup, base, { action: 'govern' }, caller).allowed !== true) {
        throw new ForbiddenError(
          `${caller.principal ?? 'a request without a user'} may not grant roles on ${spelled(base)}: it needs govern on ${base}`,
        );
      }
      const incarnation = incarnationOf(lookup(base));
      if (incarnation === undefined) {
        throw new BadRequestError(
          `roles may name only a base that has a permissions document: ${spelled(base)} has none (create ${base} first)`,
        );
      }
      incarnations.set(base, incarnation);
    }
  }
  return bindRoles(newRoles, previous?.rolesGrantedOn, incarnations);
}
