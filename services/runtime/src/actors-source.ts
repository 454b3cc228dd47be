import { LRUCache } from 'lru-cache';
import type { TeamWithId } from '@permissions/model';
import type { StoreReader } from '@permissions/store';
import { createInvalidationGuard } from './document-source/invalidation-guard';
import { createSingleFlight } from './document-source/single-flight';

/** A principal's teams (with their roles): what the engine needs besides documents. */
export interface ActorsEntry {
  teams: string[];
  teamsWithRoles: TeamWithId[];
}

const NO_TEAMS: ActorsEntry = Object.freeze({ teams: [], teamsWithRoles: [] }) as ActorsEntry;

export interface ActorsSource {
  actorsOf(principal: string | null): Promise<ActorsEntry>;
  /** A team event named these principals (members before ∪ after): their team lists may have changed (B3). */
  invalidate(principals: string[], seq: number): void;
  reset(): void;
}

/**
 * principal → teams, one query per miss (`getTeamsOfPrincipal`), bounded LRU, shared misses, and the same
 * fill/invalidation guard as documents. Team events invalidate every member's entry, which also covers role
 * changes, since each member's entry holds the team's roles.
 */
export function createActorsSource(store: StoreReader, options: { max: number }): ActorsSource {
  const cache = new LRUCache<string, ActorsEntry>({ max: options.max });
  const guard = createInvalidationGuard(Math.max(10_000, options.max));
  const flights = createSingleFlight<string, ActorsEntry>();

  return {
    async actorsOf(principal) {
      if (principal === null) return NO_TEAMS;
      const cached = cache.get(principal);
      if (cached) return cached;
      // Keyed with the epoch: after an invalidation, a new fill starts rather than joining one that read before it.
      const started = guard.begin();
      return flights.run(`${started}\n${principal}`, async () => {
        const teams = await store.getTeamsOfPrincipal(principal);
        const entry: ActorsEntry = Object.freeze({
          teams: teams.map((t) => t.id),
          teamsWithRoles: teams.map(({ id, team }) => Object.freeze({ id, team: Object.freeze(team) })),
        }) as ActorsEntry;
        if (guard.mayStore(principal, started, null)) cache.set(principal, entry);
        return entry;
      });
    },
    invalidate(principals, seq) {
      for (const principal of principals) {
        guard.invalidate(principal, seq);
        cache.delete(principal);
      }
    },
    reset() {
      guard.invalidateAll();
      cache.clear();
    },
  };
}
