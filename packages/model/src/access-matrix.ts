import { actionMapOf, SELF } from './action-maps';
import { isAllowedByDocuments, reachableDocuments, type DocumentDecision } from './ancestor-walk';
import { isPlainObject, ownValue } from './plain-data';
import { isTeamUrl } from './principals';
import {
  ANYONE,
  INCOGNITO,
  ISSUER_ANYONE_SUFFIX,
  type Answer,
  type Caller,
  type DocumentLookup,
  type PermissionsDocument,
} from './types';

/**
 * Who can access a resource, read from the documents of its inheritance chain: the table of principals × actions
 * the explorer draws. Each cell is decided by the same engine as a question (`isAllowedByDocuments`), for a caller
 * that stands for the row:
 * - a user: himself and the teams he is known to be a member of;
 * - `{issuer}#anyone`: any principal of that issuer;
 * - `…/users#anyone`: any authenticated principal; `…/users#incognito`: a request without a user;
 * - a team: any of its members, through the team (and the wildcards every authenticated principal matches).
 * For a team or `…#anyone` the issuer of the eventual member is unknown, so a `validIssuers` veto is not a "no"
 * there but a restriction, reported in `onlyIssuers` (the answer then holds only for principals of those issuers).
 * Team roles are not documents and are not part of this table.
 */
export type AccessRowKind = 'user' | 'team' | 'issuerWildcard' | 'anyone' | 'incognito';

export interface AccessCell {
  allowed: Answer;
  /** Every grant and veto met on the chain, in visiting order. */
  decidedBy: DocumentDecision[];
  /** For team and `…#anyone` rows: each `validIssuers` list on the chain that members must satisfy. */
  onlyIssuers: string[][];
}

export interface AccessRow {
  principal: string;
  kind: AccessRowKind;
  /** For a user: the teams (named on the chain) through which he appears. */
  teams: string[];
  /** Whether the principal is named on the chain itself (else it appears only as a member of a team). */
  named: boolean;
  cells: Record<string, AccessCell>;
}

export interface AccessMatrix {
  subject: string;
  property: string;
  /** Column order: the usual actions first, then the others in alphabetical order. */
  actions: string[];
  rows: AccessRow[];
  /** Existing documents of the chain, in visiting order (the resource first). */
  chain: string[];
  /** Subjects on the chain that have no document (or that the reader could not load). */
  missing: string[];
}

const USUAL_ACTIONS = ['create', 'read', 'update', 'delete', 'add', 'remove', 'admin', 'govern'];
const KIND_ORDER: AccessRowKind[] = ['incognito', 'anyone', 'issuerWildcard', 'team', 'user'];

export function rowKindOf(principal: string): AccessRowKind {
  if (principal === INCOGNITO) return 'incognito';
  if (principal === ANYONE) return 'anyone';
  if (isTeamUrl(principal)) return 'team';
  if (principal.endsWith(ISSUER_ANYONE_SUFFIX)) return 'issuerWildcard';
  return 'user';
}

/**
 * @param teamMembers members of the teams named on the chain, for the teams whose documents the reader could load
 *   (team URL → members); their members become rows too, so a user who reaches the resource only through a team is
 *   listed.
 */
export function accessMatrix(
  lookup: DocumentLookup,
  subject: string,
  options: {
    property?: string;
    teamMembers?: Readonly<Record<string, readonly string[]>>;
    /** More rows: principals evaluated although the chain does not name them (to compare two versions). */
    principals?: readonly string[];
  } = {},
): AccessMatrix {
  const property = options.property ?? SELF;
  const teamMembers = options.teamMembers ?? {};
  const { documents, missing } = reachableDocuments(lookup, [subject]);

  const actions = new Set<string>();
  const named = new Set<string>();
  for (const { doc } of documents) {
    const map = actionMapOf(doc, property);
    if (map === undefined) continue;
    for (const [action, list] of Object.entries(map)) {
      actions.add(action);
      if (Array.isArray(list)) for (const entry of list) if (typeof entry === 'string') named.add(entry);
    }
  }

  const teamsOfUser = new Map<string, string[]>();
  for (const team of named) {
    if (rowKindOf(team) !== 'team') continue;
    for (const member of teamMembers[team] ?? []) {
      teamsOfUser.set(member, [...(teamsOfUser.get(member) ?? []), team]);
    }
  }
  const principals = new Set([...named, ...teamsOfUser.keys(), ...(options.principals ?? [])]);
  const withoutValidIssuers = stripValidIssuers(lookup);
  const orderedActions = orderActions([...actions]);

  const rows: AccessRow[] = [...principals].map((principal) => {
    const kind = rowKindOf(principal);
    const teams = kind === 'user' ? (teamsOfUser.get(principal) ?? []) : [];
    const caller = callerFor(principal, kind, teams);
    const cells: Record<string, AccessCell> = {};
    for (const action of orderedActions) {
      const query = { property, action };
      if (kind === 'team' || kind === 'anyone') {
        const answer = isAllowedByDocuments(withoutValidIssuers, subject, query, caller);
        cells[action] = { allowed: answer.allowed, decidedBy: answer.decidedBy, onlyIssuers: issuerLists(documents) };
      } else {
        const answer = isAllowedByDocuments(lookup, subject, query, caller);
        cells[action] = { allowed: answer.allowed, decidedBy: answer.decidedBy, onlyIssuers: [] };
      }
    }
    return { principal, kind, teams, named: named.has(principal), cells };
  });
  rows.sort(
    (a, b) =>
      KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind) ||
      (a.principal < b.principal ? -1 : a.principal > b.principal ? 1 : 0),
  );
  return { subject, property, actions: orderedActions, rows, chain: documents.map((d) => d.subject), missing };
}

function callerFor(principal: string, kind: AccessRowKind, teams: string[]): Caller {
  switch (kind) {
    case 'incognito':
      return { principal: null, teams: [] };
    case 'user':
      return { principal, teams };
    default:
      // `{iss}#anyone` and ANYONE as principals match exactly the entries that cover every principal they stand
      // for (`issuerOf` gives the issuer the wildcard names); a team URL matches its own entries and ANYONE.
      return { principal, teams: [] };
  }
}

function orderActions(actions: string[]): string[] {
  const usual = USUAL_ACTIONS.filter((action) => actions.includes(action));
  const others = actions.filter((action) => !USUAL_ACTIONS.includes(action)).sort();
  return [...usual, ...others];
}

function issuerLists(documents: Array<{ doc: PermissionsDocument }>): string[][] {
  const lists: string[][] = [];
  for (const { doc } of documents) {
    const constraints = ownValue(doc, '_constraints');
    const valid = isPlainObject(constraints) ? ownValue(constraints, 'validIssuers') : undefined;
    if (Array.isArray(valid)) lists.push(valid.filter((entry): entry is string => typeof entry === 'string'));
  }
  return lists;
}

/** The same documents without `validIssuers`: for rows whose members' issuers are unknown (reported apart). */
function stripValidIssuers(lookup: DocumentLookup): DocumentLookup {
  return (subject) => {
    const doc = lookup(subject);
    if (!doc) return doc;
    const constraints = ownValue(doc, '_constraints');
    if (!isPlainObject(constraints) || ownValue(constraints, 'validIssuers') === undefined) return doc;
    const { validIssuers: _dropped, ...rest } = constraints;
    return { ...doc, _constraints: rest };
  };
}
