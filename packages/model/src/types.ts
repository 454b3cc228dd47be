/** An action map: action name → principals (users `{iss}#{sub}`, teams `/az-tm-…`, wildcards). */
export type ActionMap = Record<string, string[]>;

export interface Constraints {
  /** Principals whose issuer is not listed are denied (veto) here and in every heir. */
  validIssuers?: string[];
  /** When true and this document does not grant the action, the answer is "no" (veto). */
  wideningForbidden?: boolean;
}

export interface DocumentMetadata {
  creator?: string;
  created?: string;
  modifier?: string;
  modified?: string;
  /** Distinct principals found in any `_self` action list. Server-maintained. */
  sharedWith: string[];
  /**
   * The sequence number of the event that created this document: its identity, which a document created again at
   * the same subject does not share. Set by the database on create, kept on every update (see namespaces.ts).
   */
  incarnation?: number;
  /** Set by the server on create when the document is a namespace (see namespaces.ts); never changes. */
  namespace?: true;
}

/** A permissions document (reference §3.1), as validated: `_inheritsPermissionsOf` is always an array when present. */
export interface PermissionsDocument {
  _subject: string;
  _inheritsPermissionsOf?: string[];
  _self?: ActionMap;
  _permissionsHeirs?: ActionMap;
  _constraints?: Constraints;
  _metadata?: DocumentMetadata;
  /** Custom properties: action maps (objects) or opaque data (anything else). */
  [property: string]: unknown;
}

/** Team roles: base URL → path pattern → actions (reference §6.4). */
export type Roles = Record<string, Record<string, string[]>>;

/** A team (reference §3.3) as stored (without the server-added links). */
export interface Team {
  isA: 'Team';
  name?: string;
  members: string[];
  roles?: Roles;
  /**
   * Server-maintained: for each role base (canonical, see `canonicalBase`), the incarnation of the base's document
   * its roles were granted on. A role decides only while that document is still the base's (role-reach.ts).
   */
  rolesGrantedOn?: Record<string, number>;
  [key: string]: unknown;
}

/** Wildcard principals, spelled one way everywhere (reference §2.4, B13). */
export const INCOGNITO = 'http://apigee.com/users#incognito';
export const ANYONE = 'http://apigee.com/users#anyone';
/** `{issuer}#anyone` matches every principal of that issuer. */
export const ISSUER_ANYONE_SUFFIX = '#anyone';

export const TEAM_PREFIX = '/az-tm-';

/**
 * Who is asking. `teams` are the URLs (`/az-tm-…`) of the teams whose `members` contain `principal`; the caller
 * resolves them (one query) before evaluating. `principal: null` = a request with no user (actors `[]`).
 */
export interface Caller {
  principal: string | null;
  teams: string[];
}

/**
 * Synchronous access to pre-loaded documents: the caller loads a resource and all its ancestors in one query
 * (CONTRACT §4.3), so evaluation never waits. `null`/`undefined` = no document for that subject.
 */
export type DocumentLookup = (subject: string) => PermissionsDocument | null | undefined;

/** A team together with its URL, as needed by the role fallback. */
export interface TeamWithId {
  id: string;
  team: Team;
}

/** One question: may the caller do `action` on `property` (default `_self`) of a resource? */
export interface ActionQuery {
  property?: string;
  action: string;
}

/** `true` = allowed, `false` = denied by a veto, `null` = nobody expressed an opinion (callers treat it as "no"). */
export type Answer = boolean | null;

/**
 * The verified principals of a request, as commands take them: the user of `Authorization` and the trusted client of
 * `X-Client-Authorization` (reference §2.1); either may be absent.
 */
export interface Requester {
  user: string | null;
  client: string | null;
}

/**
 * Members of a team set by the server (reference §3.3, §8, and the role bindings of CONTRACT §4.8); a client may
 * not send or change them.
 */
export const SERVER_STAMPS = ['creator', 'created', 'modifier', 'modified', 'rolesGrantedOn'] as const;
export type ServerStamp = (typeof SERVER_STAMPS)[number];
