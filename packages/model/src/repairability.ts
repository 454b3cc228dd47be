import { actionList, SELF } from './action-maps';
import { isAllowedByDocuments, reachableDocuments } from './ancestor-walk';
import { BadRequestError } from './errors';
import { isPlainObject, ownValue, unique } from './plain-data';
import { isTeamUrl } from './principals';
import { ROOT_SUBJECT } from './root-document';
import { ANYONE, INCOGNITO, ISSUER_ANYONE_SUFFIX, type Caller, type DocumentLookup } from './types';

/**
 * No change may leave a document that nobody can read or repair (CONTRACT §4.10): after every write, among those
 * who govern or administer the document and the governors of `/`, someone must still be allowed `govern` (change or
 * delete it) and someone `admin` (read it). They may be different principals: a governor who may not read can give
 * himself `admin` with a merge patch, as the original allowed `admin` and `govern` to be held apart. A
 * `validIssuers` naming an issuer nobody has, or a `wideningForbidden` that grants neither to anyone, would
 * otherwise lock out its own governors and the governors of `/` for good.
 *
 * Candidates are the principals and teams named in `_self.govern` or `_self.admin` of the document, of every
 * ancestor, and of `/`. Wildcards stand for the principals they cover: `{issuer}#anyone` is evaluated as itself (it
 * is a principal of that issuer), and the global wildcards as one principal of each issuer a `validIssuers` on the
 * chain names. Roles are not considered: they decide only where documents say nothing.
 */
export interface RepairCandidates {
  principals: string[];
  /** Team URLs; their members are candidates too (the caller loads them). */
  teams: string[];
}

const REPAIR_ACTIONS = ['admin', 'govern'] as const;

/**
 * Candidates evaluated at most, in order (`/`'s governors first, then the document's, then its ancestors'): each
 * costs a walk of the chain, and a document naming a thousand vetoed principals must not cost a thousand walks. A
 * document whose first candidates are all vetoed is refused although a later one might not be.
 */
const MAX_CANDIDATES_EVALUATED = 64;

export function repairCandidates(lookup: DocumentLookup, subject: string): RepairCandidates {
  // `/` first: its governors are the ones who must always be able to repair.
  const { documents } = reachableDocuments(lookup, [ROOT_SUBJECT, subject]);
  const named = unique(
    documents.flatMap(({ doc }) => REPAIR_ACTIONS.flatMap((action) => actionList(doc, SELF, action))),
  );
  const issuers = unique(documents.flatMap(({ doc }) => validIssuersOf(doc)));
  const principals: string[] = [];
  for (const entry of named) {
    if (isTeamUrl(entry)) continue;
    if (entry === ANYONE || entry === INCOGNITO) {
      principals.push(entry, ...issuers.map((issuer) => issuer + ISSUER_ANYONE_SUFFIX));
    } else principals.push(entry);
  }
  return { principals: unique(principals), teams: named.filter(isTeamUrl) };
}

/** Whether `caller` may do `action` on `subject` by its documents. */
function allowedTo(lookup: DocumentLookup, subject: string, action: string, caller: Caller): boolean {
  return isAllowedByDocuments(lookup, subject, { property: SELF, action }, caller).allowed === true;
}

/** Whether `caller` may read and repair `subject` by its documents. */
export function mayRepair(lookup: DocumentLookup, subject: string, caller: Caller): boolean {
  return REPAIR_ACTIONS.every((action) => allowedTo(lookup, subject, action, caller));
}

/**
 * 400 unless some candidate may still read and repair `subject`. `membersOf` gives the members of the candidate
 * teams (the caller loads them); each member is evaluated with every candidate team he belongs to.
 */
export function assertRepairable(
  lookup: DocumentLookup,
  subject: string,
  candidates: RepairCandidates,
  membersOf: ReadonlyMap<string, readonly string[]>,
): void {
  const teamsOf = new Map<string, string[]>();
  for (const team of candidates.teams) {
    for (const member of membersOf.get(team) ?? []) teamsOf.set(member, [...(teamsOf.get(member) ?? []), team]);
  }
  const principals = unique([...candidates.principals, ...teamsOf.keys()]).slice(0, MAX_CANDIDATES_EVALUATED);
  const callers = principals.map((principal) => ({ principal, teams: teamsOf.get(principal) ?? [] }));
  const missing = REPAIR_ACTIONS.filter(
    (action) => !callers.some((caller) => allowedTo(lookup, subject, action, caller)),
  );
  if (missing.length > 0) {
    const actions = missing.join(' and ');
    throw new BadRequestError(
      `this change would leave nobody allowed to ${actions} ${subject}: neither a principal that governs it nor a ` +
        `governor of / would be allowed ${actions} (check its _constraints and its governors)`,
      { subject, actions: missing },
    );
  }
}

function validIssuersOf(doc: object): string[] {
  const constraints = ownValue(doc, '_constraints');
  const issuers = isPlainObject(constraints) ? ownValue(constraints, 'validIssuers') : undefined;
  return Array.isArray(issuers) ? issuers.filter((issuer): issuer is string => typeof issuer === 'string') : [];
}
