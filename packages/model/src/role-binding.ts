import { ownValue, setOwn } from './plain-data';
import { canonicalBase } from './roles';
import type { Roles } from './types';

/**
 * Which bases a write of a team's roles grants anew: a base (canonical) for which some spelling's patterns are new
 * or changed. Those need `govern` on the base's document now, and are bound to that document's incarnation; the
 * others keep the binding they were granted with, so a maintainer may edit members (or narrow roles) of a team whose
 * roles someone else granted, and an untouched role on a base deleted since stays dead.
 */
export function basesGrantedAnew(newRoles: Roles | undefined, oldRoles: Roles | undefined): string[] {
  const granted = new Set<string>();
  for (const base of Object.keys(newRoles ?? {})) {
    const before = oldRoles === undefined ? undefined : ownValue(oldRoles, base);
    if (JSON.stringify(ownValue(newRoles ?? {}, base)) !== JSON.stringify(before)) granted.add(canonicalBase(base));
  }
  return [...granted];
}

/**
 * The team's `rolesGrantedOn` after a write: for every base its roles name, the incarnation it is bound to. Bases
 * granted anew get `incarnations` (what the caller governed at the time of the write); the others keep `previous`.
 * `undefined` when the roles name no base.
 */
export function bindRoles(
  newRoles: Roles | undefined,
  previous: Record<string, number> | undefined,
  incarnations: ReadonlyMap<string, number>,
): Record<string, number> | undefined {
  const binding: Record<string, number> = {};
  for (const base of new Set(Object.keys(newRoles ?? {}).map(canonicalBase))) {
    const incarnation = incarnations.get(base) ?? (previous === undefined ? undefined : ownValue(previous, base));
    if (typeof incarnation === 'number') {
      setOwn(binding, base, incarnation);
    }
  }
  return Object.keys(binding).length === 0 ? undefined : binding;
}
