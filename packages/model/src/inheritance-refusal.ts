import { PERMISSIONS_HEIRS } from './action-maps';
import { isAllowedByDocuments } from './ancestor-walk';
import type { InheritanceDecision } from './inheritance-change';
import { describeCaller } from './principals';
import type { Caller, DocumentLookup } from './types';

/**
 * A refused inheritance change as a PATCH (or `/az-is-allowed-to-inherit-from`) may tell it, no more than the caller may learn (CONTRACT §4.10): a new
 * parent without a document answers exactly as one he may not add heirs to, and a cycle through new parents is told
 * only when he may add heirs to each of them (otherwise "cycle" would tell him that a document he may not know of
 * exists and descends from his own).
 */
export function refusalToTell(
  decision: InheritanceDecision,
  lookup: DocumentLookup,
  caller: Caller,
  addedParents: readonly string[],
): InheritanceDecision {
  if (decision.allowed) return decision;
  if (decision.refusal === 'parent-not-found' && decision.resource !== undefined) {
    return mayNotAdd(caller, decision.resource);
  }
  if (decision.refusal === 'cycle') {
    const closed = addedParents.find(
      (parent) =>
        isAllowedByDocuments(lookup, parent, { property: PERMISSIONS_HEIRS, action: 'add' }, caller).allowed !== true,
    );
    if (closed !== undefined) return mayNotAdd(caller, closed);
  }
  return decision;
}

/** The model's own `may-not-add` refusal, word for word. */
function mayNotAdd(caller: Caller, parent: string): InheritanceDecision {
  return {
    allowed: false,
    refusal: 'may-not-add',
    reason: `${describeCaller(caller)} may not add permissions inheritance from ${parent}`,
    resource: parent,
  };
}
