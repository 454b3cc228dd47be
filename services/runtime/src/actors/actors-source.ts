import { LRUCache } from 'lru-cache';
import type { Caller, TeamWithId } from '@permissions/model';
import type { CacheStats } from '@permissions/http-kit';
import type { StoreReader } from '@permissions/store';
import { MAX_CACHED_KEY_LENGTH, stringBytes } from '../caches/byte-size';
import { createInvalidationGuard } from '../document-source/invalidation-guard';
import { createSingleFlight } from '../document-source/single-flight';
import { inSlices, type MaybePromise } from '../slices';
import type { CachedTeam, TeamCache } from './team-cache';

/** What the engine needs besides documents: the caller (principal and team ids) and its teams that have roles. */
export interface Actors {
  caller: Caller;
  teamsWithRoles: readonly TeamWithId[];
}

export interface ActorsSource {
  /** Synchronous when the principal's team list and every one of its teams are cached. */
  actorsOf(principal: string | null): MaybePromise<Actors>;
  /** A team event named these principals (members before ∪ after): their team lists may have changed (B3). */
  invalidate(principals: readonly string[], seq: number): void;
  reset(): void;
  stats(): CacheStats;
}

/** A principal's team list: ids and the versions they were read at. The caller object is reused by every question. */
interface TeamList {
  caller: Caller;
  seqs: ReadonlyMap<string, number>;
  size: number;
}

const NO_USER: Actors = Object.freeze({ caller: Object.freeze({ principal: null, teams: [] }), teamsWithRoles: [] });
const ENTRY_OVERHEAD = 128;

/**
 * principal → its team ids (one query per miss), the teams themselves from the team cache by id and version. After
 * a team event, a member's list is re-read with the versions still held (`getTeamsOfPrincipalExcept`), so only the
 * team that changed comes back: a 1-byte change to one of 200 teams of 95 KB no longer reloads 19 MB per member.
 * Bounded in entries and bytes; concurrent misses share one query; the fill guard keeps an invalidated list from
 * being stored.
 */
export function createActorsSource(
  store: Pick<StoreReader, 'getTeamsOfPrincipalExcept'>,
  teams: TeamCache,
  options: { maxEntries: number; maxBytes: number },
): ActorsSource {
  // The lists of invalidated principals are kept as hints of which teams they were in (and at which version), in
  // an eighth of the actors' bytes.
  const hintBytes = Math.max(64 * 1024, Math.floor(options.maxBytes / 8));
  const lists = new LRUCache<string, TeamList>({
    max: options.maxEntries,
    maxSize: Math.max(1, options.maxBytes - hintBytes),
    sizeCalculation: (list) => list.size,
  });
  const previous = new LRUCache<string, ReadonlyMap<string, number>>({
    max: Math.max(1, Math.floor(options.maxEntries / 10)),
    maxSize: hintBytes,
    sizeCalculation: (seqs, principal) => ENTRY_OVERHEAD + stringBytes(principal) + 64 * seqs.size,
  });
  const guard = createInvalidationGuard({ maxKeys: Math.max(10_000, options.maxEntries), maxBytes: options.maxBytes });
  const flights = createSingleFlight<string, Actors>();
  const counts = { hits: 0, misses: 0 };

  /** The actors of a cached list, or undefined when one of its teams is no longer cached at that version. */
  function resolve(list: TeamList): Actors | undefined {
    const withRoles: TeamWithId[] = [];
    for (const [id, seq] of list.seqs) {
      const team = teams.get(id);
      if (team === undefined || team.seq !== seq) return undefined;
      if (team.hasRoles) withRoles.push(team.withId);
    }
    return { caller: list.caller, teamsWithRoles: withRoles };
  }

  async function load(principal: string, hint: ReadonlyMap<string, number> | undefined): Promise<Actors> {
    const started = guard.begin();
    const teamsStarted = teams.begin();
    // The teams this principal was in and that are still cached at the version it saw: not sent again.
    const held = new Map<string, CachedTeam>();
    const known = new Map<string, number>();
    for (const [id, seq] of hint ?? []) {
      const team = teams.get(id);
      if (team !== undefined && team.seq === seq) {
        held.set(id, team);
        known.set(id, seq);
      }
    }
    const rows = await store.getTeamsOfPrincipalExcept(principal, known);
    const seqs = new Map<string, number>();
    const withRoles: TeamWithId[] = [];
    let size = ENTRY_OVERHEAD + stringBytes(principal);
    // Freezing, measuring and compiling 200 teams of 95 KB is real work: in slices, like any large question.
    await inSlices(rows.length, (i) => {
      const row = rows[i];
      const cached = row.team === null ? held.get(row.id) : teams.get(row.id);
      const team =
        cached !== undefined && cached.seq === row.seq
          ? cached
          : row.team === null
            ? undefined
            : teams.store(row.id, row.seq, row.team, teamsStarted);
      if (team === undefined) throw new Error(`team ${row.id} was not sent although it was not held`);
      seqs.set(row.id, row.seq);
      size += 64 + stringBytes(row.id);
      if (team.hasRoles) withRoles.push(team.withId);
    });
    const caller: Caller = Object.freeze({ principal, teams: Object.freeze([...seqs.keys()]) as string[] });
    if (principal.length <= MAX_CACHED_KEY_LENGTH && guard.mayStore(principal, started, null)) {
      lists.set(principal, { caller, seqs, size });
    }
    return { caller, teamsWithRoles: withRoles };
  }

  return {
    actorsOf(principal) {
      if (principal === null) return NO_USER;
      const list = lists.get(principal);
      const actors = list === undefined ? undefined : resolve(list);
      if (actors !== undefined) {
        counts.hits++;
        return actors;
      }
      counts.misses++;
      // Keyed with the epoch: after an invalidation, a new fill starts rather than joining one that read before it.
      return flights.run(`${guard.begin()}\n${principal}`, () =>
        load(principal, list?.seqs ?? previous.get(principal)),
      );
    },
    invalidate(principals, seq) {
      for (const principal of principals) {
        guard.invalidate(principal, seq);
        const list = lists.get(principal);
        if (list !== undefined) previous.set(principal, list.seqs);
        lists.delete(principal);
      }
    },
    reset() {
      guard.invalidateAll();
      lists.clear();
      previous.clear();
    },
    stats: () => ({
      entries: lists.size + previous.size,
      bytes: lists.calculatedSize + previous.calculatedSize,
      maxBytes: options.maxBytes,
      hits: counts.hits,
      misses: counts.misses,
    }),
  };
}
