import { LRUCache } from 'lru-cache';
import { isPlainObject, roleIndexOf, type Team, type TeamWithId } from '@permissions/model';
import { freezeAndMeasure, stringBytes } from '../caches/byte-size';
import { createInvalidationGuard } from '../document-source/invalidation-guard';

/** One team at one version, frozen; its roles are compiled (once) the first time they are matched. */
export interface CachedTeam {
  seq: number;
  /** What the engine takes. */
  withId: TeamWithId;
  /** Whether the team has roles at all (most have none and are skipped by the role fallback). */
  hasRoles: boolean;
  size: number;
}

const ENTRY_OVERHEAD = 128;

/**
 * Team documents by id and version (issue 18.10): a team is loaded once per version and shared by all its
 * members' actor lists, so a member of 200 teams does not hold 200 copies, and a change to one team reloads that
 * one only. Events invalidate by team id, with the same fill guard as documents. A team's role index is compiled
 * when the team is stored and lives as long as its frozen roles object, so it is counted here: roughly the size of
 * the roles again.
 */
export function createTeamCache(options: { maxEntries: number; maxBytes: number }) {
  const cache = new LRUCache<string, CachedTeam>({
    max: options.maxEntries,
    maxSize: options.maxBytes,
    sizeCalculation: (entry) => entry.size,
  });
  const guard = createInvalidationGuard({ maxKeys: Math.max(10_000, options.maxEntries), maxBytes: options.maxBytes });
  const counts = { hits: 0, misses: 0 };

  return {
    /** Call before reading teams from the store; pass the result to `store`. */
    begin: (): number => guard.begin(),
    get(id: string): CachedTeam | undefined {
      const entry = cache.get(id);
      if (entry === undefined) counts.misses++;
      else counts.hits++;
      return entry;
    },
    /** The team read at `seq` (frozen here), kept unless an event about it came since `started`. */
    store(id: string, seq: number, team: Team, started: number): CachedTeam {
      const roles = (team as { roles?: unknown }).roles;
      const hasRoles = isPlainObject(roles) && Object.keys(roles).length > 0;
      // The compiled roles are about as large as the roles, which are most of such a team: counted twice.
      const bytes = freezeAndMeasure(team);
      const size = ENTRY_OVERHEAD + 2 * stringBytes(id) + (hasRoles ? 2 * bytes : bytes);
      // Compiled now, while the team is loaded (in slices), rather than in the middle of a question.
      if (hasRoles) roleIndexOf(roles);
      const entry: CachedTeam = Object.freeze({
        seq,
        withId: Object.freeze({ id, team }),
        hasRoles,
        size,
      });
      if (guard.mayStore(id, started, seq)) cache.set(id, entry);
      return entry;
    },
    invalidate(id: string, seq: number): void {
      guard.invalidate(id, seq);
      cache.delete(id);
    },
    reset(): void {
      guard.invalidateAll();
      cache.clear();
    },
    stats: () => ({ entries: cache.size, bytes: cache.calculatedSize, maxBytes: options.maxBytes, ...counts }),
  };
}

export type TeamCache = ReturnType<typeof createTeamCache>;
