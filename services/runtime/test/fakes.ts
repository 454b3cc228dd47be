import type { PermissionsDocument, Team } from '@permissions/model';
import type { StoredTeam, StoreReader, TeamVersion } from '@permissions/store';
import type { AncestorLoader, SubjectEntry } from '../src/document-source/types';

/** A promise with its resolve exposed, to hold a load open while the test interleaves an invalidation. */
export interface Gate {
  promise: Promise<void>;
  open(): void;
}

export function gate(): Gate {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}

/**
 * An ancestor loader over an in-memory table that records each call, like the store's one recursive query: every
 * requested subject and every ancestor reached is a key, null when there is no document. `hold` makes the next calls
 * wait on a gate AFTER reading, which is what a fill racing an invalidation looks like.
 */
export function countingLoader(initial: Record<string, PermissionsDocument> = {}) {
  const rows = new Map<string, { document: PermissionsDocument; seq: number }>();
  let seq = 0;
  const calls: string[][] = [];
  let held: Gate | undefined;

  function put(document: PermissionsDocument): number {
    seq += 1;
    rows.set(document._subject, { document, seq });
    return seq;
  }
  for (const document of Object.values(initial)) put(document);

  const load: AncestorLoader = async (subjects) => {
    calls.push([...subjects].sort()); // the order of a set of subjects carries no meaning
    const result = new Map<string, SubjectEntry | null>();
    const stack = [...subjects];
    while (stack.length > 0) {
      const subject = stack.pop() as string;
      if (result.has(subject)) continue;
      const row = rows.get(subject);
      result.set(subject, row ? { document: structuredClone(row.document), seq: row.seq } : null);
      for (const parent of row?.document._inheritsPermissionsOf ?? []) stack.push(parent);
    }
    const waitFor = held;
    if (waitFor) await waitFor.promise;
    return result;
  };

  return {
    load,
    calls,
    put,
    remove(subject: string): number {
      seq += 1;
      rows.delete(subject);
      return seq;
    },
    /** Makes loads started from now on wait (after reading) until the returned gate opens. */
    hold(): Gate {
      const g = gate();
      held = g;
      void g.promise.then(() => {
        if (held === g) held = undefined;
      });
      return g;
    },
  };
}

/** The StoreReader method the actors source uses, over an in-memory list of teams, counting calls. */
export function countingTeamsReader() {
  const teams = new Map<string, StoredTeam>();
  let seq = 0;
  /** Each call: the principal, and the ids of the teams whose data was sent. */
  const calls: Array<{ principal: string; sent: string[] }> = [];
  let held: Gate | undefined;
  const reader: Pick<StoreReader, 'getTeamsOfPrincipalExcept'> = {
    async getTeamsOfPrincipalExcept(principal: string, known: ReadonlyMap<string, number>): Promise<TeamVersion[]> {
      const found = [...teams.values()]
        .filter((t) => t.team.members.includes(principal))
        .sort((a, b) => a.id.localeCompare(b.id))
        .map((t) => ({ id: t.id, seq: t.seq, team: known.get(t.id) === t.seq ? null : structuredClone(t.team) }));
      calls.push({ principal, sent: found.filter((t) => t.team !== null).map((t) => t.id) });
      const waitFor = held;
      if (waitFor) await waitFor.promise;
      return found;
    },
  };
  return {
    reader,
    calls,
    /** The principals whose teams were read, in order. */
    principals: () => calls.map((c) => c.principal),
    put(id: string, team: Team): number {
      seq += 1;
      teams.set(id, { id, team, seq });
      return seq;
    },
    remove(id: string): number {
      seq += 1;
      teams.delete(id);
      return seq;
    },
    hold(): Gate {
      const g = gate();
      held = g;
      void g.promise.then(() => {
        if (held === g) held = undefined;
      });
      return g;
    },
  };
}
