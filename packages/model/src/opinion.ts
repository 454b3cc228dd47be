import { actionList, PERMISSIONS_HEIRS } from './action-maps';
import { ownValue, isPlainObject } from './plain-data';
import { actorSetOf, isWildcardPrincipal, issuerOf } from './principals';
import { ANYONE, INCOGNITO, ISSUER_ANYONE_SUFFIX, type Answer, type Caller, type PermissionsDocument } from './types';

/** Why one document answered as it did; kept for `explain`. */
export type Opinion =
  | { allowed: true; because: 'grant'; entry: string }
  | { allowed: false; because: 'validIssuers' | 'wideningForbidden' }
  | { allowed: null };

/**
 * The opinion of one document on (property, action) for a caller, reference §6.2 with its fixes:
 * 1. `_constraints.validIssuers` excludes the caller's issuer, or there is no user → veto (`false`).
 * 2. The action list grants when it names INCOGNITO (everyone, even no user), ANYONE (every authenticated
 *    principal; the reference also let "no user" through), `{issuer}#anyone` for the caller's issuer, or an actor.
 *    An empty or absent list grants nothing (W11).
 * 3. Otherwise `wideningForbidden: true` → veto, else no opinion (`null`).
 */
export function explainOpinion(
  doc: PermissionsDocument,
  property: string,
  action: string,
  caller: Caller,
  inherited = false,
): Opinion {
  if (excludedByValidIssuers(doc, caller)) return { allowed: false, because: 'validIssuers' };
  const entry = grantingEntry(applicableEntries(doc, property, action, inherited), caller);
  if (entry !== undefined) return { allowed: true, because: 'grant', entry };
  if (forbidsWidening(doc)) return { allowed: false, because: 'wideningForbidden' };
  return { allowed: null };
}

/**
 * The entries of `doc`'s `property`.`action` list that apply to a question about `doc` itself (`inherited` false) or
 * about a document inheriting from it (`inherited` true). A wildcard in `_permissionsHeirs` lets anyone attach heirs
 * to that document only, never to the documents that inherit from it (CONTRACT §4.10): otherwise `/`, open to every
 * heir, would let anyone attach under every document inheriting from `/`, whoever governs it, and make it
 * undeletable by its own governors. Named principals and teams in `_permissionsHeirs` are inherited as before.
 */
export function applicableEntries(
  doc: PermissionsDocument,
  property: string,
  action: string,
  inherited: boolean,
): string[] {
  const list = actionList(doc, property, action);
  return inherited && property === PERMISSIONS_HEIRS ? list.filter((entry) => !isWildcardPrincipal(entry)) : list;
}

/** True when the document lists valid issuers and the caller has no user or an issuer not listed. */
export function excludedByValidIssuers(doc: PermissionsDocument, caller: Caller): boolean {
  const constraints = ownValue(doc, '_constraints');
  const validIssuers = isPlainObject(constraints) ? ownValue(constraints, 'validIssuers') : undefined;
  if (!Array.isArray(validIssuers)) return false;
  const issuer = caller.principal === null ? null : issuerOf(caller.principal);
  return issuer === null || !validIssuers.includes(issuer);
}

export function forbidsWidening(doc: PermissionsDocument): boolean {
  const constraints = ownValue(doc, '_constraints');
  return isPlainObject(constraints) && ownValue(constraints, 'wideningForbidden') === true;
}

export function documentOpinion(
  doc: PermissionsDocument,
  property: string,
  action: string,
  caller: Caller,
  inherited = false,
): Answer {
  return explainOpinion(doc, property, action, caller, inherited).allowed;
}

/** The first entry of `list` that covers the caller, or `undefined`. */
export function grantingEntry(list: readonly string[], caller: Caller): string | undefined {
  const actors = actorSetOf(caller);
  const issuer = caller.principal === null ? null : issuerOf(caller.principal);
  const issuerAnyone = issuer === null ? undefined : issuer + ISSUER_ANYONE_SUFFIX;
  return list.find(
    (entry) =>
      entry === INCOGNITO ||
      (entry === ANYONE && caller.principal !== null) ||
      (issuerAnyone !== undefined && entry === issuerAnyone) ||
      actors.has(entry),
  );
}
