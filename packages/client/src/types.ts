/** A permissions document (reference §3.1): `_subject`, its parents, and action maps per property. */
export interface PermissionsDocument {
  _subject: string;
  _inheritsPermissionsOf?: string[] | string;
  _self?: Record<string, string[]>;
  _permissionsHeirs?: Record<string, string[]>;
  _constraints?: { validIssuers?: string[]; wideningForbidden?: boolean };
  _metadata?: {
    creator?: string;
    created?: string;
    modifier?: string;
    modified?: string;
    sharedWith?: string[];
    /** Which creation of the subject this is: a team's roles are bound to the one they were granted on. */
    incarnation?: number;
    /** Set on a namespace (a document a governor of `/` created with no parent but `/`). */
    namespace?: boolean;
  };
  [property: string]: unknown;
}

/** A team as answered: members, roles, and links to its permissions (reference §8). */
export interface Team {
  isA: 'Team';
  name?: string;
  members: string[];
  roles?: Record<string, Record<string, string[]>>;
  /** Per role base, the incarnation of the base's document the roles were granted on (set by the server). */
  rolesGrantedOn?: Record<string, number>;
  self: string;
  _permissions: string;
  _permissionsHeirs: string;
  [member: string]: unknown;
}

export interface NewTeam {
  isA: 'Team';
  name?: string;
  members: string[];
  roles?: Record<string, Record<string, string[]>>;
  /** The team's permissions document, without `_subject`. */
  _permissions: Omit<PermissionsDocument, '_subject'>;
  [member: string]: unknown;
}

/** The three-valued answer: `null` means no document had an opinion (treat it as "no"). */
export type Answer = boolean | null;

/** A version of a document or team (`ETag`), and the write's event sequence when it was a write. */
export interface Versioned<T> {
  value: T;
  etag: string;
  /** `X-Event-Sequence` of the write (undefined for a read). */
  sequence?: number;
}

export type JsonPatchOperation =
  | { op: 'add' | 'replace' | 'test'; path: string; value: unknown }
  | { op: 'remove'; path: string }
  | { op: 'move' | 'copy'; path: string; from: string };

/** A PATCH body: a merge patch (RFC 7386, an object) or a JSON patch (RFC 6902, an array of operations). */
export type Patch = Record<string, unknown> | JsonPatchOperation[];

export interface ExplainAnswer {
  allowed: Answer;
  because: unknown[];
}

export interface WatchCheck {
  resource: string;
  action: string;
  user: string;
}

export interface WatchChange extends WatchCheck {
  allowed: Answer;
  sequence: number;
}

/** `POST /az-permissions-bulk`'s answer: how many documents were created, changed, or already as sent. */
export interface BulkResult {
  created: number;
  updated: number;
  unchanged: number;
  /** The highest event of the batch as it now stands (use as `atLeast`); null for an empty batch. */
  sequence: number | null;
}

/** principal → property → actions (sorted): one subject's share of a preview's gains or losses. */
export type AccessChange = Record<string, Record<string, string[]>>;

/** `PATCH …&dryRun=true`: the document as it would be, and who would gain or lose what on it and its heirs. */
export interface PatchPreview {
  document: PermissionsDocument;
  /** subject → principal → property → actions; only subjects and principals with a change. */
  gains: Record<string, AccessChange>;
  losses: Record<string, AccessChange>;
  /** Set when the document has more than 1 000 heirs: only the first 1 000 were previewed. */
  heirsOmitted?: true;
}

/** `POST /az-principals-removal`'s answer: what was changed (or, with `dryRun`, would be). */
export interface PrincipalRemoval {
  /** The principal as documents and teams name it (an e-mail given is looked up). */
  principal: string;
  dryRun: boolean;
  /** Documents changed, with property → the actions whose lists named the principal. */
  documents: Array<{ subject: string; removed: Record<string, string[]> }>;
  /** Teams he was removed from as a member. */
  teams: Array<{ team: string; removed: ['members'] }>;
  /** Left as they are, with why: only documents and teams whose content the caller may read. */
  skipped: Array<{ subject: string; reason: string } | { team: string; reason: string }>;
  /** The event of the last change written; null for a dry run or when nothing changed. */
  sequence: number | null;
}

export interface StreamEvent {
  seq: number;
  topic: 'permissions' | 'teams';
  action: 'create' | 'update' | 'delete';
  subject: string;
}

/** A namespace handed out under `/`, as its governors see it (`GET /az-namespaces`). */
export interface Namespace {
  subject: string;
  incarnation?: number;
  creator?: string;
  governors: string[];
}

export interface NamespacePage {
  namespaces: Namespace[];
  /** Pass as `cursor` for the next page; null on the last one. */
  next: string | null;
}

/** One team's roles on a base (`GET /az-roles?{base}`). */
export interface RoleGrant {
  team: string;
  name?: string;
  members: string[];
  /** The team's role maps on the base, under each spelling the team used. */
  roles: Record<string, Record<string, string[]>>;
  /** The incarnation of the base's document they were granted on. */
  grantedOn?: number;
  /** Whether that document is still the base's: only then do they decide. */
  live: boolean;
}

export interface RoleGrants {
  /** The base, without trailing slashes. */
  base: string;
  /** The base's document now; null when it has none (every role on it is dead). */
  document: { incarnation?: number; namespace: boolean; governors: string[] } | null;
  teams: RoleGrant[];
}
