import { canonicalBase, type Roles, ForbiddenError } from '@permissions/model';
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
  // The base as the role fallback reads it: govern on `…/o/acme/` as written would be govern on a document anyone
  // may create, for roles that cover `…/o/acme`.
  const governed = changed.map(canonicalBase);
  const lookup = await authorizer.lookup([...new Set(governed)]);
  changed.forEach((base, i) => {
    if (authorizer.decide(lookup, governed[i], { action: 'govern' }, caller).allowed !== true) {
      throw new ForbiddenError(
        `${caller.principal ?? 'a request without a user'} may not grant roles on ${base}: it needs govern on ${governed[i]}`,
      );
    }
  });
}
