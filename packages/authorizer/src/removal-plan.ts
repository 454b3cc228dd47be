import {
  AppError,
  buildMetadata,
  mayReadContent,
  teamWithoutMember,
  validateDocument,
  withoutPrincipal,
  type DocumentLookup,
  type PermissionsDocument,
  type RemovedEntries,
  type Team,
} from '@permissions/model';
import type { DocumentUpdate, StoredDocument, StoredTeam, TeamUpdate } from '@permissions/store';
import { visibilityFor, type Authorizer, type RequestCaller } from './authorizer';
import { judgeRepairable, repairTeams } from './write-checks';

/** What removing a principal changed (or would change), and what it left, as the caller may be told. */
export interface RemovalReport {
  documents: Array<{ subject: string; removed: RemovedEntries }>;
  teams: Array<{ team: string; removed: ['members'] }>;
  /** Documents and teams naming the principal that were left as they are, with why: only those the caller may read. */
  skipped: Array<{ subject: string; reason: string } | { team: string; reason: string }>;
}

export interface RemovalDraft {
  principal: string;
  documents: Array<{ stored: StoredDocument; document: PermissionsDocument; removed: RemovedEntries }>;
  teams: Array<{ stored: StoredTeam; team: Team }>;
  skipped: RemovalReport['skipped'];
}

export interface RemovalPlan {
  documents: DocumentUpdate[];
  teams: TeamUpdate[];
  report: RemovalReport;
}

const GOVERN = { action: 'govern' } as const;
const UPDATE = { action: 'update' } as const;
const READ = { action: 'read' } as const;

/**
 * Removing a principal from everything the caller governs (`POST /az-principals-removal`, CONTRACT §5), first step:
 * each document naming him is changed if the caller may `govern` it (as a PATCH needs) and it stays valid (a
 * document left with neither parent nor governor is skipped); each team he is a member of if the caller may
 * `update` the team's document (as a team PATCH needs). Every decision is made on the state before the removal:
 * removing a principal only takes grants away, so no order of one-by-one changes could let the caller do more.
 * `lookup` holds the documents, the teams' documents and their chains, and `/`. The caller then loads the members
 * of `removalRepairTeams` and settles the draft (`settleRemoval`).
 */
export function draftRemoval(input: {
  principal: string;
  documents: readonly StoredDocument[];
  teams: readonly StoredTeam[];
  lookup: DocumentLookup;
  caller: RequestCaller;
  decide: Authorizer['decide'];
}): RemovalDraft {
  const { principal, lookup, caller, decide } = input;
  const draft: RemovalDraft = { principal, documents: [], teams: [], skipped: [] };
  const readable = (subject: string) => mayReadContent(visibilityFor(lookup, caller), subject);
  for (const stored of input.documents) {
    const subject = stored.document._subject;
    const changed = withoutPrincipal(stored.document, principal);
    if (changed === undefined) continue;
    if (decide(lookup, subject, GOVERN, caller).allowed !== true) {
      if (readable(subject)) draft.skipped.push({ subject, reason: 'you may not govern it' });
      continue;
    }
    try {
      const { _metadata: _rebuilt, ...content } = changed.document;
      validateDocument(content);
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      draft.skipped.push({ subject, reason: error.message });
      continue;
    }
    draft.documents.push({ stored, document: changed.document, removed: changed.removed });
  }
  for (const stored of input.teams) {
    const team = teamWithoutMember(stored.team, principal);
    if (team === undefined) continue;
    if (decide(lookup, stored.id, UPDATE, caller).allowed !== true) {
      if (decide(lookup, stored.id, READ, caller).allowed === true) {
        draft.skipped.push({ team: stored.id, reason: 'you may not update it' });
      }
      continue;
    }
    draft.teams.push({ stored, team });
  }
  return draft;
}

/** The documents as the removal leaves them, over `lookup`. */
function afterRemoval(draft: RemovalDraft, lookup: DocumentLookup): DocumentLookup {
  const changed = new Map(draft.documents.map(({ document }) => [document._subject, document]));
  return (subject) => changed.get(subject) ?? lookup(subject);
}

/** The teams whose members may repair the changed documents: load their members for `settleRemoval`. */
export function removalRepairTeams(draft: RemovalDraft, lookup: DocumentLookup): string[] {
  const after = afterRemoval(draft, lookup);
  return [...new Set(draft.documents.flatMap(({ document }) => repairTeams(after, document)))];
}

/**
 * Second step: no change may leave a document that nobody can read or repair (CONTRACT §4.10). A document whose
 * removal would is skipped (its governors are told why) rather than refusing the whole removal: the rest of what
 * the caller asked is still done. Skipping one gives grants back, which can only help the others, so the check is
 * repeated on those that failed until nothing changes. `members` holds the members of `removalRepairTeams` as they
 * were; the principal is taken out of the teams the draft changes.
 */
export function settleRemoval(
  draft: RemovalDraft,
  lookup: DocumentLookup,
  members: ReadonlyMap<string, readonly string[]>,
  stamp: { acting: string | null; now: string },
): RemovalPlan {
  const changedTeams = new Set(draft.teams.map(({ stored }) => stored.id));
  const membersAfter = new Map<string, readonly string[]>();
  for (const [team, list] of members) {
    membersAfter.set(team, changedTeams.has(team) ? list.filter((m) => m !== draft.principal) : list);
  }
  let kept = draft.documents;
  const unrepairable = new Map<string, string>();
  for (let settled = false; !settled;) {
    settled = true;
    const after = afterRemoval({ ...draft, documents: kept }, lookup);
    const next: RemovalDraft['documents'] = [];
    for (const entry of kept) {
      try {
        judgeRepairable(after, entry.document, membersAfter);
        next.push(entry);
      } catch (error) {
        if (!(error instanceof AppError)) throw error;
        unrepairable.set(entry.document._subject, error.message);
        settled = false;
      }
    }
    kept = next;
  }
  const documents = kept.map(({ stored, document }) => ({
    document: {
      ...document,
      _metadata: buildMetadata(document, stored.document._metadata, {
        principal: stamp.acting,
        now: stamp.now,
        isCreate: false,
      }),
    },
    expectedSeq: stored.seq,
  }));
  const teams = draft.teams.map(({ stored, team }) => ({
    id: stored.id,
    team: { ...team, ...(stamp.acting ? { modifier: stamp.acting } : {}), modified: stamp.now },
    expectedSeq: stored.seq,
  }));
  const bySubject = (a: { subject: string }, b: { subject: string }) => compare(a.subject, b.subject);
  const skipped = [...draft.skipped, ...[...unrepairable].map(([subject, reason]) => ({ subject, reason }))].sort(
    (a, b) => compare('subject' in a ? a.subject : a.team, 'subject' in b ? b.subject : b.team),
  );
  return {
    documents,
    teams,
    report: {
      documents: kept.map(({ document, removed }) => ({ subject: document._subject, removed })).sort(bySubject),
      teams: draft.teams
        .map(({ stored }) => ({ team: stored.id, removed: ['members'] as ['members'] }))
        .sort((a, b) => compare(a.team, b.team)),
      skipped,
    },
  };
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
