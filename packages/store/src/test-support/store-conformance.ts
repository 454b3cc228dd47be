import type { Store } from '../types';
import { uniquePrefix, type ConformanceContext } from './conformance/context';
import { describeBatches } from './conformance/batches';
import { describeDocuments } from './conformance/documents';
import { describeAncestors, describeHeirs, describeSharedWith } from './conformance/hierarchy';
import { describeIntegrity } from './conformance/integrity';
import { describeTeams } from './conformance/teams';
import { describeConcurrency, describeEvents, describeTransactions } from './conformance/transactions';
import type { RawReads } from './raw-reads';

export const CONFORMANCE_CATEGORIES = {
  documents: describeDocuments,
  ancestors: describeAncestors,
  heirs: describeHeirs,
  sharedWith: describeSharedWith,
  teams: describeTeams,
  transactions: describeTransactions,
  events: describeEvents,
  concurrency: describeConcurrency,
  integrity: describeIntegrity,
  batches: describeBatches,
} as const;

export type ConformanceCategory = keyof typeof CONFORMANCE_CATEGORIES;

export interface StoreConformanceOptions {
  /** Called before each test. It may hand out the same store every time: each test uses names no other test uses. */
  makeStore(): Store | Promise<Store>;
  /** Raw reads behind the store's back; a function when they only exist once the store does. */
  raw: RawReads | (() => RawReads);
  /** Categories this implementation opts out of, in plain sight (a fake without transactions skips `concurrency`). */
  skip?: ConformanceCategory[];
  /** Whether some write is blocked on a lock right now (the `integrity` tests wait for it instead of sleeping). */
  waitingForLock(): Promise<boolean>;
}

/**
 * The contract of `Store` as one jest suite (spicedb's datastore `All`, Auth.js's `runBasicTests`). Every store
 * implementation runs it, the Postgres store and any fake used in service tests alike.
 */
export function describeStoreConformance(options: StoreConformanceOptions): void {
  let store: Store | undefined;
  let prefix = uniquePrefix();
  const ctx: ConformanceContext = {
    waitingForLock: () => options.waitingForLock(),
    store: () => {
      if (!store) throw new Error('makeStore() has not run');
      return store;
    },
    raw: () => (typeof options.raw === 'function' ? options.raw() : options.raw),
    name: (local) => `${prefix}/${local}`,
  };

  beforeEach(async () => {
    prefix = uniquePrefix();
    store = await options.makeStore();
  });

  for (const [category, describeCategory] of Object.entries(CONFORMANCE_CATEGORIES)) {
    const skipped = options.skip?.includes(category as ConformanceCategory) ?? false;
    (skipped ? describe.skip : describe)(`store conformance: ${category}`, () => describeCategory(ctx));
  }
}
