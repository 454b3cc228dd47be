import { actionMapsOf } from './action-maps';
import { copyJson, setOwn, unique } from './plain-data';
import type { PermissionsDocument } from './types';

/**
 * Principals a service must verify / normalise (e-mail → id, reference §2.3) before storing a document: every
 * entry of `_self`, `_permissionsHeirs` (B21: the reference skipped them) and every custom action map. Distinct, in
 * document order. Team URLs and wildcards are included; filter them with `isTeamUrl` / `isWildcardPrincipal`.
 */
export function principalsToNormalise(doc: PermissionsDocument): string[] {
  return unique(actionMapsOf(doc).flatMap(([, map]) => Object.values(map).flat()));
}

/**
 * A copy of `doc` with each principal of those action maps replaced by `replace(principal)` and each list
 * de-duplicated again (two e-mails can name the same user). Everything else is copied unchanged.
 */
export function mapPrincipals(doc: PermissionsDocument, replace: (principal: string) => string): PermissionsDocument {
  const copy = copyJson(doc);
  for (const [, map] of actionMapsOf(copy)) {
    for (const [action, principals] of Object.entries(map)) {
      if (Array.isArray(principals)) setOwn(map, action, unique(principals.map(replace)));
    }
  }
  return copy;
}
