import type { Roles } from '@permissions/model';
import { ForbiddenError } from '@permissions/model/src/errors';
import type { Authorizer, RequestCaller } from '@permissions/authorizer';

/**
 * W1: a team's roles grant its members access to everything under each base, so naming a base needs `govern` on
 * that base's document. Only bases whose role map is new or changed are checked, so a team's maintainer can edit
 * members without governing bases someone else (the migration) granted.
 */
export async function authorizeRoles(
  authorizer: Authorizer,
  caller: RequestCaller,
  newRoles: Roles | undefined,
  oldRoles: Roles | undefined,
): Promise<void> {
  const changed = Object.keys(newRoles ?? {}).filter(
    (base) => JSON.stringify(newRoles?.[base]) !== JSON.stringify(oldRoles?.[base]),
  );
  if (changed.length === 0) return;
  const governed = changed.map(coveredBase);
  const lookup = await authorizer.lookup([...new Set(governed)]);
  changed.forEach((base, i) => {
    if (authorizer.decide(lookup, governed[i], { action: 'govern' }, caller).allowed !== true) {
      throw new ForbiddenError(
        `${caller.principal ?? 'a request without a user'} may not grant roles on ${base}: it needs govern on ${governed[i]}`,
      );
    }
  });
}

/**
 * The resource a base really covers: the role fallback ignores trailing slashes (`restAfterBase`), so
 * `…/o/acme/` covers all of `…/o/acme`, and `//` every relative URL. Checking `govern` on the string as written
 * would let anyone create a document `…/o/acme/` for himself and take over `…/o/acme` through it.
 */
function coveredBase(base: string): string {
  return base.replace(/\/+$/, '') || '/';
}
