import type { Metrics } from '@permissions/http-kit';
import type { EventRecord, StoreReader } from '@permissions/store';
import { createActorsSource } from '../actors/actors-source';
import { createTeamCache } from '../actors/team-cache';
import { createLocalDecider, type Decider } from '../decisions/decider';
import { createInheritanceQuestion, type InheritanceQuestion } from '../decisions/inheritance-question';
import { createRememberingDecider } from '../decisions/remembering-decider';
import { createCachingSource } from '../document-source/caching-source';
import { createMigratingLoader, type MigrationTrigger } from '../document-source/migrating-loader';
import { createQuestionMemo, type QuestionMemo } from '../questions/question-memo';
import type { AncestorLoader } from '../document-source/types';
import type { SliceOptions } from '../slices';

export interface ChainOptions {
  store: Pick<StoreReader, 'getDocumentsWithAncestors' | 'getTeamsOfPrincipalExcept'>;
  metrics: Metrics;
  maxDocuments: number;
  maxActors: number;
  /** CACHE_MAX_BYTES: every cache of the chain together (see BYTE_SHARES). */
  maxBytes: number;
  negativeTtlMs: number;
  migration?: MigrationTrigger;
  slicing?: SliceOptions;
}

/**
 * How CACHE_MAX_BYTES is shared out: documents are what most questions need; remembered answers are small each but
 * many; teams can be large (95 KB each, with their compiled roles) but are shared by their members; actor lists
 * are ids only; parsed query strings are a small memo in front of it all.
 */
export const BYTE_SHARES = { documents: 0.5, decisions: 0.23, teams: 0.15, actors: 0.1, questions: 0.02 } as const;

export interface QuestionChain {
  /** Remembered decisions → the local engine → (documents: cache → single-flight → migration → store; actors). */
  decider: Decider;
  inheritance: InheritanceQuestion;
  /** Questions already read from a query string (they never go stale: no event touches them). */
  questions: QuestionMemo;
  /** The one invalidation path: an event names what changed; every cache that may hold it forgets it. */
  apply(event: EventRecord): void;
  /** Drop everything (the listener fell behind the event retention window). */
  reset(): void;
  close(): void;
}

/**
 * The one place the runtime's caches are assembled (OpenFGA's builder.go, SpiceDB's combined dispatcher), cheapest
 * first, each counted in /metrics (hits, misses, entries, bytes) and each bounded in entries and bytes.
 */
export function buildQuestionChain(options: ChainOptions): QuestionChain {
  const share = (part: keyof typeof BYTE_SHARES) => Math.floor(options.maxBytes * BYTE_SHARES[part]);
  const storeLoader: AncestorLoader = (subjects) => options.store.getDocumentsWithAncestors(subjects);
  const loader = options.migration
    ? createMigratingLoader(storeLoader, options.migration, options.negativeTtlMs)
    : storeLoader;
  const documents = createCachingSource(loader, {
    maxDocuments: options.maxDocuments,
    maxBytes: share('documents'),
    negativeTtlMs: options.negativeTtlMs,
  });
  const teams = createTeamCache({ maxEntries: options.maxActors, maxBytes: share('teams') });
  const actors = createActorsSource(options.store, teams, { maxEntries: options.maxActors, maxBytes: share('actors') });
  const remembering = createRememberingDecider(createLocalDecider(documents, actors, options.slicing), {
    maxAnswers: options.maxDocuments,
    maxBytes: share('decisions'),
    ttlMs: options.negativeTtlMs,
  });

  const questions = createQuestionMemo({ maxEntries: 10_000, maxBytes: share('questions') });

  const { metrics } = options;
  metrics.registerCache('questions', () => questions.stats());
  metrics.registerCache('documents', () => documents.stats());
  metrics.registerCache('decisions', () => remembering.stats());
  metrics.registerCache('actors', () => actors.stats());
  metrics.registerCache('teams', () => teams.stats());

  // Expired entries ("no document", answers resting on one) are dropped, not just ignored when met again.
  const purge = setInterval(
    () => {
      documents.purgeStale();
      remembering.purgeStale();
    },
    Math.max(1000, options.negativeTtlMs),
  );
  purge.unref();

  return {
    decider: remembering.decider,
    inheritance: createInheritanceQuestion(documents, actors),
    questions,
    apply(event) {
      if (event.topic === 'permissions') documents.invalidate(event.subject, event.seq);
      else {
        teams.invalidate(event.subject, event.seq);
        actors.invalidate(event.members, event.seq);
      }
      remembering.forgetAll();
    },
    reset() {
      documents.reset();
      teams.reset();
      actors.reset();
      remembering.forgetAll();
    },
    close() {
      clearInterval(purge);
    },
  };
}
