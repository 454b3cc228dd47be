// Relative until the store's package.json lists @permissions/model (a pnpm install away); same file either way.
import type { PermissionsDocument, Team } from '@permissions/model';

/**
 * Sequence numbers are the `events.seq` values (bigserial). They stay far below 2^53, so they are plain numbers.
 * A document's or team's `seq` is the seq of the event that last wrote it; its ETag is `e{seq}`.
 */
export type Seq = number;

export interface StoredDocument {
  document: PermissionsDocument;
  seq: Seq;
}

export interface StoredTeam {
  /** The team URL, `/az-tm-{word}-{word}-{24 hex}`. */
  id: string;
  team: Team;
  seq: Seq;
}

/** A team's id and version, with its data unless the caller said it already holds that version. */
export interface TeamVersion {
  id: string;
  seq: Seq;
  team: Team | null;
}

export type EventTopic = 'permissions' | 'teams';
export type EventAction = 'create' | 'update' | 'delete';

/** An event row. Events are invalidation hints: they name what changed, never carry data to trust. */
export interface EventRecord {
  seq: Seq;
  topic: EventTopic;
  action: EventAction;
  /** Document subject (topic permissions) or team URL (topic teams). */
  subject: string;
  /** Teams only: members before ∪ after the change, whose team lists (actors) changed or may have. */
  members: string[];
  createdAt: Date;
}

/** Reads. Every method is one SQL statement over indexed columns. */
export interface StoreReader {
  getDocument(subject: string): Promise<StoredDocument | null>;
  /**
   * The given subjects and all their ancestors (through `_inheritsPermissionsOf`, any depth, cycles tolerated) in
   * one recursive query. Every subject reached is a key; subjects without a document map to null.
   */
  getDocumentsWithAncestors(subjects: string[]): Promise<Map<string, StoredDocument | null>>;
  /** Direct heirs: subjects whose `_inheritsPermissionsOf` contains `subject`, sorted. */
  getHeirs(subject: string): Promise<string[]>;
  /** Heirs at any depth (heirs of heirs…), each once, never the subject itself (cycles tolerated), sorted. */
  getTransitiveHeirs(subject: string): Promise<string[]>;
  /** Direct heirs with their documents, sorted by subject. */
  getHeirDocuments(subject: string): Promise<StoredDocument[]>;
  /** Subjects whose `_metadata.sharedWith` contains any of `principals`, sorted. */
  getSubjectsSharedWith(principals: string[]): Promise<string[]>;
  /** Subjects shared with any of `principals` plus all their transitive heirs, sorted. */
  getSubjectsSharedWithAndHeirs(principals: string[]): Promise<string[]>;
  getTeam(id: string): Promise<StoredTeam | null>;
  /** Teams whose members contain `principal`, sorted by id. */
  getTeamsOfPrincipal(principal: string): Promise<StoredTeam[]>;
  /**
   * The same teams with their seqs, in the same order; `team` is null for a team `known` lists at its current seq
   * (the caller holds it), so a cache re-reading a member's teams after one changed receives only that one.
   */
  getTeamsOfPrincipalExcept(principal: string, known: ReadonlyMap<string, Seq>): Promise<TeamVersion[]>;
  /** Teams whose `rolesGrantedOn` binds roles to `base` (a canonical role base), sorted by id. */
  getTeamsWithRolesOn(base: string): Promise<StoredTeam[]>;
  /** `root` (if it has a document) and every subject continuing it after a `/`, sorted. */
  getSubjectsAtOrUnder(root: string): Promise<string[]>;
  /** Namespace documents (`_metadata.namespace`) whose subject sorts after `after`, in order, at most `limit`. */
  getNamespaces(after: string, limit: number): Promise<StoredDocument[]>;
  /** Events with seq > `afterSeq`, ascending, at most `limit`. */
  getEventsAfter(afterSeq: Seq, limit: number): Promise<EventRecord[]>;
  /** Highest seq handed out so far by the sequence (0 if none), whether or not its transaction committed. */
  getLastSeq(): Promise<Seq>;
}

/**
 * The inside of one write transaction. Every mutation writes its row and appends its numbered event in the same
 * transaction and returns the new seq. Reads inside see the transaction's own writes.
 */
export interface StoreTx extends StoreReader {
  /** Locks the row (SELECT … FOR UPDATE). */
  getDocumentForUpdate(subject: string): Promise<StoredDocument | null>;
  /** ConflictError if the subject exists. */
  createDocument(document: PermissionsDocument): Promise<Seq>;
  /** NotFoundError if absent; PreconditionFailedError if its seq is not `expectedSeq` (when given). */
  updateDocument(document: PermissionsDocument, expectedSeq?: Seq): Promise<Seq>;
  /** NotFoundError if absent; PreconditionFailedError if its seq is not `expectedSeq` (when given). */
  deleteDocument(subject: string, expectedSeq?: Seq): Promise<{ deleted: StoredDocument; seq: Seq }>;
  getTeamForUpdate(id: string): Promise<StoredTeam | null>;
  /**
   * `getDocumentsWithAncestors`, with every document it returns share-locked (SELECT … FOR SHARE) until the write
   * ends: none of them can be changed or deleted before this transaction commits, so a decision taken on them still
   * holds at commit (CONTRACT §4.8). What it returns was read after the locks were taken.
   */
  lockDocumentsWithAncestors(subjects: string[]): Promise<Map<string, StoredDocument | null>>;
  /** Locks the existing documents among `subjects` for update (in subject order) and returns them. */
  lockDocumentsForUpdate(subjects: string[]): Promise<Map<string, StoredDocument>>;
  /**
   * `getTeamsOfPrincipal`, with those teams share-locked until the write ends: the principal cannot be removed from
   * them (nor their roles changed) before this transaction commits. Teams it joins meanwhile are not returned.
   */
  lockTeamsOfPrincipal(principal: string): Promise<StoredTeam[]>;
  /** Members of each of the given teams that exists (one query). */
  getTeamMembers(ids: string[]): Promise<Map<string, string[]>>;
  /**
   * How many teams each of `principals` is a member of (absent = none). Takes a lock per principal first, held
   * until the write ends, so that concurrent writes counting the same principal's teams count one after the other.
   */
  countTeamsOfPrincipals(principals: string[]): Promise<Map<string, number>>;
  /**
   * Length of the longest chain of heirs below `subject` (0 when nothing inherits from it), counted up to `limit`
   * (a longer chain answers `limit`), cycles tolerated.
   */
  getHeirsDepth(subject: string, limit: number): Promise<number>;
  /** `getHeirsDepth` of each of `subjects` (every one is a key), in one statement. */
  getHeirsDepths(subjects: string[], limit: number): Promise<Map<string, number>>;
  /**
   * Subjects of the documents naming `principal` in any action map (`_self`, `_permissionsHeirs`, custom
   * properties), sorted, at most `limit`. Not locked: lock what you change with `lockDocumentsForUpdate`.
   */
  getSubjectsNamingPrincipal(principal: string, limit: number): Promise<string[]>;
  /**
   * Creates the documents in the given order, in a constant number of statements whatever their number: each gets
   * its own seq and create event, as with `createDocument`. ConflictError naming the subjects that exist (nothing of
   * the transaction may then commit). Returns their events, in seq order.
   */
  createDocuments(documents: PermissionsDocument[]): Promise<EventRecord[]>;
  /**
   * Replaces the documents, each at its expected seq when one is given (NotFoundError / PreconditionFailedError as
   * `updateDocument`), one update event each, in a constant number of statements. Returns their events.
   */
  updateDocuments(updates: DocumentUpdate[]): Promise<EventRecord[]>;
  /** Locks the existing teams among `ids` for update (in id order) and returns them. */
  lockTeamsForUpdate(ids: string[]): Promise<Map<string, StoredTeam>>;
  /** `updateTeam` for many teams in a constant number of statements; returns their events. */
  updateTeams(updates: TeamUpdate[]): Promise<EventRecord[]>;
  /** ConflictError if the id exists. */
  createTeam(id: string, team: Team): Promise<Seq>;
  updateTeam(id: string, team: Team, expectedSeq?: Seq): Promise<Seq>;
  deleteTeam(id: string, expectedSeq?: Seq): Promise<{ deleted: StoredTeam; seq: Seq }>;
}

export interface DocumentUpdate {
  document: PermissionsDocument;
  expectedSeq?: Seq;
}

export interface TeamUpdate {
  id: string;
  team: Team;
  expectedSeq?: Seq;
}

export interface WriteResult<T> {
  result: T;
  /** Highest seq appended by the transaction (null if it appended none). Becomes `X-Event-Sequence`. */
  seq: Seq | null;
  /** The events the transaction appended, in order (for broadcast after commit). */
  events: EventRecord[];
}

/** A write that appended at least one event: its seq is known. */
export interface AppendedWrite<T> extends WriteResult<T> {
  seq: Seq;
}

export interface Store extends StoreReader {
  /**
   * Runs `fn` in one transaction: commits if it resolves, rolls back if it throws (the error is rethrown, nothing is
   * stored). After commit, the `onCommit` hooks receive the appended events, and `write` resolves once they have
   * settled: the one way to act after a commit before the writer is answered (the event broadcast). When Postgres
   * aborts the transaction for a deadlock or a serialization failure, `fn` is run again in a new transaction, a
   * bounded number of times: `fn` must do nothing but through `tx` (everything it decides, it decides again). A
   * deferred constraint broken at commit (a document naming a parent that has no document) is a ConflictError.
   */
  write<T>(fn: (tx: StoreTx) => Promise<T>): Promise<WriteResult<T>>;
  /**
   * Registers a hook run after each commit that appended events. A hook's failure is reported, never the write's;
   * a hook must bound its own time, since the writer's answer waits for it.
   */
  onCommit(hook: (events: EventRecord[]) => void | Promise<void>): void;
}
