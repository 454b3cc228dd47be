import { actionMapsOf } from './action-maps';
import { copyJson, setOwn } from './plain-data';
import type { PermissionsDocument, Team } from './types';

/** property → actions whose lists named the principal, sorted. */
export type RemovedEntries = Record<string, string[]>;

/**
 * The document without `principal` in any of its action maps (`_self`, `_permissionsHeirs`, custom properties),
 * and what was removed; `undefined` when it named the principal nowhere. Lists keep their order and stay present
 * (empty when the principal was alone). Everything else (plain data, `_constraints`, `_metadata`) is left as it is:
 * the caller rebuilds `_metadata` (its `sharedWith` changes). Removing a principal only takes grants away: no
 * principal gains anything by it.
 */
export function withoutPrincipal(
  doc: PermissionsDocument,
  principal: string,
): { document: PermissionsDocument; removed: RemovedEntries } | undefined {
  const copy = copyJson(doc);
  const removed = Object.create(null) as RemovedEntries;
  for (const [property, map] of actionMapsOf(copy)) {
    for (const [action, list] of Object.entries(map)) {
      if (!Array.isArray(list) || !list.includes(principal)) continue;
      setOwn(
        map,
        action,
        list.filter((entry) => entry !== principal),
      );
      removed[property] = [...(removed[property] ?? []), action];
    }
  }
  if (Object.keys(removed).length === 0) return undefined;
  for (const actions of Object.values(removed)) actions.sort();
  return { document: copy, removed };
}

/** The team without `principal` among its members; `undefined` when he is not one. */
export function teamWithoutMember(team: Team, principal: string): Team | undefined {
  const members = Array.isArray(team.members) ? team.members : [];
  if (!members.includes(principal)) return undefined;
  return { ...team, members: members.filter((member) => member !== principal) };
}
