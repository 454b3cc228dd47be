import { actionMapsOf } from './action-maps';
import { accessMatrix } from './access-matrix';
import { reachableDocuments } from './ancestor-walk';
import type { DocumentLookup } from './types';

/** principal → property → actions, sorted: who gains (or loses) what on one subject. */
export type AccessChange = Record<string, Record<string, string[]>>;

/**
 * Who gains and who loses which actions on `subject` when the documents read through `before` become those read
 * through `after` (a PATCH previewed with `dryRun=true`, CONTRACT §5). Each principal named on the subject's chain
 * in either version (users, teams, wildcards) is asked every action named there for each action-map property
 * (`_self`, `_permissionsHeirs`, custom ones), by the engine in both versions, as the explorer's table asks
 * (`accessMatrix`): a gain is an action allowed after and not before. Documents only: team roles do not change
 * with a document, and teams are not expanded into their members (who is in a team is the team's to tell).
 */
export function accessChanges(
  before: DocumentLookup,
  after: DocumentLookup,
  subject: string,
): { gains: AccessChange; losses: AccessChange } {
  const gains = record<Record<string, string[]>>();
  const losses = record<Record<string, string[]>>();
  // Every principal named anywhere on either chain is asked about every property: a grant to a wildcard in `_self`
  // reaches a user named only in a custom property too.
  const named = new Set<string>();
  const properties = new Set<string>();
  for (const lookup of [before, after]) {
    for (const { doc } of reachableDocuments(lookup, [subject]).documents) {
      for (const [property, map] of actionMapsOf(doc)) {
        properties.add(property);
        for (const list of Object.values(map)) {
          if (Array.isArray(list)) for (const entry of list) if (typeof entry === 'string') named.add(entry);
        }
      }
    }
  }
  const rows = [...named];
  for (const property of [...properties].sort()) {
    const allowed = (lookup: DocumentLookup) => {
      const matrix = accessMatrix(lookup, subject, { property, principals: rows });
      const granted = new Map<string, Set<string>>();
      for (const row of matrix.rows) {
        const actions = Object.entries(row.cells).filter(([, cell]) => cell.allowed === true);
        granted.set(row.principal, new Set(actions.map(([action]) => action)));
      }
      return granted;
    };
    const [was, will] = [allowed(before), allowed(after)];
    for (const principal of rows) {
      const then = was.get(principal) ?? new Set<string>();
      const now = will.get(principal) ?? new Set<string>();
      note(
        gains,
        principal,
        property,
        [...now].filter((action) => !then.has(action)),
      );
      note(
        losses,
        principal,
        property,
        [...then].filter((action) => !now.has(action)),
      );
    }
  }
  return { gains: sortedKeys(gains), losses: sortedKeys(losses) };
}

/** A record keyed by data (principals, property names): no prototype, so `__proto__` is a key like any other. */
function record<T>(): Record<string, T> {
  return Object.create(null) as Record<string, T>;
}

function note(changes: AccessChange, principal: string, property: string, actions: string[]): void {
  if (actions.length === 0) return;
  const byProperty = changes[principal] ?? (changes[principal] = record<string[]>());
  byProperty[property] = actions.sort();
}

function sortedKeys(changes: AccessChange): AccessChange {
  const sorted = record<Record<string, string[]>>();
  for (const principal of Object.keys(changes).sort()) sorted[principal] = changes[principal];
  return sorted;
}
