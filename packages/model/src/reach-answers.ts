import { parentsOf, SELF } from './action-maps';
import { reachableDocuments } from './ancestor-walk';
import { documentOpinion } from './opinion';
import { roleIsLive, type BaseFilter } from './role-reach';
import { canonicalBase, roleDecision, teamsOfCaller } from './roles';
import type { ActionQuery, Answer, Caller, DocumentLookup, TeamWithId } from './types';

/**
 * `isAllowed(lookup, s, query, caller, teamsWithRoles).allowed` for every document `s` reachable from `starts`
 * (the starts included), in one pass over the loaded graph.
 *
 * Why: a route that must judge a document and all its ancestors (`/az-users-who-can-access`), or a listing of a
 * document with all its heirs, asked `isAllowed` once per document, and each call walks that document's ancestors
 * again: quadratic on a deep chain (0.5 s for 600 levels, issue 18 item 11). Here each document's own opinion is
 * computed once; "a veto is reachable" and "a grant is reachable" are spread from the documents that hold them to
 * their heirs (so cycles and diamonds cost nothing extra); only documents left without an opinion ask the team
 * roles, whose bases are matched against the set of heirs of each base, computed once per base.
 *
 * Subjects reached without a document are not keys of the answer. The property test in `reach-answers.test.ts`
 * holds this to `isAllowed` on random graphs and roles: a change of the engine's rules must change both.
 */
export function answersAcross(
  lookup: DocumentLookup,
  starts: readonly string[],
  query: ActionQuery,
  caller: Caller,
  teamsWithRoles: readonly TeamWithId[],
): Map<string, Answer> {
  const property = query.property ?? SELF;
  const { documents } = reachableDocuments(lookup, starts);
  // Every parent of a reached document is reached too (a document or a missing subject): the heirs within the walk.
  const heirsOf = new Map<string, string[]>();
  const vetoes: string[] = [];
  const grants: string[] = [];
  for (const { subject, doc } of documents) {
    for (const parent of parentsOf(doc)) {
      const heirs = heirsOf.get(parent);
      if (heirs) heirs.push(subject);
      else heirsOf.set(parent, [subject]);
    }
    const opinion = documentOpinion(doc, property, query.action, caller);
    if (opinion === false) vetoes.push(subject);
    else if (opinion === true) grants.push(subject);
  }
  const reaching = (from: readonly string[]): Set<string> => {
    const seen = new Set(from);
    const queue = [...from];
    for (let i = 0; i < queue.length; i++) {
      for (const heir of heirsOf.get(queue[i]) ?? []) {
        if (!seen.has(heir)) {
          seen.add(heir);
          queue.push(heir);
        }
      }
    }
    return seen;
  };
  const vetoed = reaching(vetoes);
  const granted = reaching(grants);

  const teams = property === SELF ? teamsOfCaller(teamsWithRoles, caller) : [];
  // A base's roles decide for a document only if the document reaches the base and the role is still bound to the
  // base's document (see basesReaching).
  const heirsOfBase = new Map<string, Set<string>>();
  const reachesBase =
    (subject: string): BaseFilter =>
    (base, team) => {
      const canonical = canonicalBase(base);
      let heirs = heirsOfBase.get(canonical);
      if (heirs === undefined) {
        heirs = reaching([canonical]);
        heirsOfBase.set(canonical, heirs);
      }
      return heirs.has(subject) && roleIsLive(lookup, team, canonical);
    };

  const answers = new Map<string, Answer>();
  for (const { subject } of documents) {
    if (vetoed.has(subject)) answers.set(subject, false);
    else if (granted.has(subject)) answers.set(subject, true);
    else if (teams.length === 0) answers.set(subject, null);
    else {
      const role = roleDecision(teams, subject, query.action, reachesBase(subject));
      answers.set(subject, role.allowed && role.base !== undefined ? true : null);
    }
  }
  return answers;
}
