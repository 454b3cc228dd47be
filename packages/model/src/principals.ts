import { ANYONE, INCOGNITO, ISSUER_ANYONE_SUFFIX, TEAM_PREFIX, type Caller } from './types';

/**
 * The issuer of a principal `{iss}#{sub}`: everything before the LAST `#`, because issuer URLs never contain `#`
 * but some subject ids might. `null` when there is no `#` (such a string has no issuer and matches no issuer rule).
 */
export function issuerOf(principal: string): string | null {
  const hash = principal.lastIndexOf('#');
  return hash < 0 ? null : principal.slice(0, hash);
}

/** Actors of a caller (reference §6.1): the principal then its teams; a request with no user has no actors. */
export function actorsOf(caller: Caller): string[] {
  return caller.principal === null ? [] : [caller.principal, ...caller.teams];
}

const actorSets = new WeakMap<Caller, ReadonlySet<string>>();

/**
 * The actors of a caller as a set, built once per caller object: every document opinion asks "is one of these
 * listed", and a member of 200 teams asking about a 600-deep chain would otherwise copy and scan a 201-entry list
 * per document. Caller objects are not changed once evaluated with.
 */
export function actorSetOf(caller: Caller): ReadonlySet<string> {
  let actors = actorSets.get(caller);
  if (actors === undefined) {
    actors = new Set(actorsOf(caller));
    actorSets.set(caller, actors);
  }
  return actors;
}

export function isTeamUrl(principal: string): boolean {
  return principal.startsWith(TEAM_PREFIX);
}

/** The two global wildcards and any `{issuer}#anyone`: they stand for many principals and are never verified. */
export function isWildcardPrincipal(principal: string): boolean {
  return principal === INCOGNITO || principal === ANYONE || principal.endsWith(ISSUER_ANYONE_SUFFIX);
}

/** What the ids API of an issuer is asked to turn into an id (reference §2.3): `name@host.tld`, no `#` or space. */
const EMAIL = /^[^@\s#]+@[^@\s#]+\.[^@\s#]+$/;

export function looksLikeEmail(value: string): boolean {
  return EMAIL.test(value);
}

/** Used in denial reasons: who was refused. */
export function describeCaller(caller: Caller): string {
  return caller.principal === null ? 'anonymous request' : `user ${caller.principal}`;
}
