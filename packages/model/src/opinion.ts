import { actionList } from './action-maps';
import { ownValue, isPlainObject } from './plain-data';
import { actorSetOf, issuerOf } from './principals';
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
export function explainOpinion(doc: PermissionsDocument, property: string, action: string, caller: Caller): Opinion {
  if (excludedByValidIssuers(doc, caller)) return { allowed: false, because: 'validIssuers' };
  const entry = grantingEntry(actionList(doc, property, action), caller);
  if (entry !== undefined) return { allowed: true, because: 'grant', entry };
  if (forbidsWidening(doc)) return { allowed: false, because: 'wideningForbidden' };
  return { allowed: null };
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

export function documentOpinion(doc: PermissionsDocument, property: string, action: string, caller: Caller): Answer {
  return explainOpinion(doc, property, action, caller).allowed;
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
