import {
  allowedActionsFor,
  combineAll,
  decide,
  mayKnowOf,
  namespaceCandidates,
  overlayLookups,
  snapshotLookup,
  type Answer,
  type DocumentLookup,
  type Evidence,
  type IsAllowedAnswer,
  type VisibilityContext,
} from '@permissions/model';
import type { Actors, ActorsSource } from '../actors/actors-source';
import type { DocumentSource } from '../document-source/types';
import { inSlices, then, type MaybePromise, type SliceOptions } from '../slices';

/** One question: a principal (null = no user), the resources, the property. */
export interface Asked {
  principal: string | null;
  resources: readonly string[];
  property: string;
}

/** Answers aligned with the resources asked about (index i answers resources[i]). */
export interface Decisions {
  /** Every resource must be allowed: three-valued AND (`null` when no resource was asked about). */
  allowed: Answer;
  answers: Answer[];
  /**
   * Per resource, the documents visited and the role base that decided, keeping only those the principal may know
   * of (visibility.ts): an existing document he may not read appears exactly as a missing one. Only when asked for.
   */
  scopes: string[][] | undefined;
}

/**
 * What answers questions (SpiceDB's dispatcher, OpenFGA's check resolver): the local engine, or a cache around
 * one. Synchronous whenever everything needed is in memory, so a question answered from memory costs no promise.
 */
export interface Decider {
  isAllowed(asked: Asked, action: string, evidence: Evidence, withScopes: boolean): MaybePromise<Decisions>;
  allowedActions(
    principal: string | null,
    resource: string,
    property: string,
    evidence: Evidence,
  ): MaybePromise<string[]>;
}

/**
 * The resources' documents and ancestors and, for those without a document, the prefixes where their nearest
 * namespace may be (CONTRACT §4.8: only its roles decide for them): a second load, only when some resource has no
 * document. Both come from the cache, so a question answered from memory still needs no promise.
 */
export function loadForDecision(documents: DocumentSource, resources: readonly string[]): MaybePromise<DocumentLookup> {
  return then(documents.load(resources), (lookup) => {
    const candidates = namespaceCandidates(lookup, resources);
    if (candidates.length === 0) return lookup;
    // Both are snapshots of this request, so their overlay is one too.
    return then(documents.load(candidates), (prefixes) => snapshotLookup(overlayLookups(lookup, prefixes)));
  });
}

/**
 * The local engine over the cached sources: documents first (`loadForDecision`; loading them may import a legacy org
 * on demand, whose new teams the caller's actors must then include: the import's events have invalidated them by the
 * time the load returns), then actors, then one `decide` per resource, in slices so that no question holds the event
 * loop.
 */
export function createLocalDecider(
  documents: DocumentSource,
  actors: ActorsSource,
  slicing: SliceOptions = {},
): Decider {
  function evaluate(
    lookup: DocumentLookup,
    who: Actors,
    asked: Asked,
    action: string,
    evidence: Evidence,
    withScopes: boolean,
  ): MaybePromise<Decisions> {
    const { resources } = asked;
    const answers: Answer[] = new Array(resources.length);
    const scopes: string[][] | undefined = withScopes ? new Array(resources.length) : undefined;
    const bases = new Set<string>();
    const query = { property: asked.property, action };
    // A question may name one resource many times (1 000 times a 600-deep chain's leaf): each is decided once.
    const decidedFor = new Map<string, IsAllowedAnswer>();
    const decided = inSlices(
      resources.length,
      (i) => {
        let answer = decidedFor.get(resources[i]);
        if (answer === undefined) {
          answer = decide(evidence, lookup, resources[i], query, who.caller, who.teamsWithRoles);
          decidedFor.set(resources[i], answer);
        }
        answers[i] = answer.allowed;
        if (scopes !== undefined) {
          scopes[i] = answer.scopes;
          if (answer.role?.base !== undefined) bases.add(answer.role.base);
        }
      },
      slicing,
    );
    return then(decided, () => {
      const result: Decisions = { allowed: resources.length === 0 ? null : combineAll(answers), answers, scopes };
      return scopes === undefined ? result : then(visibleScopes(lookup, who, scopes, bases), () => result);
    });
  }

  /**
   * Keeps in `scopes` only what the principal may know of. A role base's document is an ancestor of the resource's or
   * its nearest namespace, both already loaded; loading the bases again costs nothing and keeps this independent of
   * that rule.
   */
  function visibleScopes(
    lookup: DocumentLookup,
    who: Actors,
    scopes: string[][],
    bases: Set<string>,
  ): MaybePromise<void> {
    return then(documents.load([...bases]), (baseLookup) => {
      const context: VisibilityContext = {
        lookup: bases.size === 0 ? lookup : snapshotLookup((subject) => lookup(subject) ?? baseLookup(subject)),
        caller: who.caller,
        teamsWithRoles: who.teamsWithRoles,
      };
      // Each subject once (a chain's subjects appear in the scopes of every resource under it), one per step.
      const subjects = [...new Set([...new Set(scopes)].flat())];
      const known = new Set<string>();
      const decided = inSlices(
        subjects.length,
        (i) => {
          if (mayKnowOf(context, subjects[i])) known.add(subjects[i]);
        },
        slicing,
      );
      return then(decided, () => {
        for (let i = 0; i < scopes.length; i++) scopes[i] = scopes[i].filter((subject) => known.has(subject));
      });
    });
  }

  return {
    isAllowed(asked, action, evidence, withScopes) {
      return then(loadForDecision(documents, asked.resources), (lookup) =>
        then(actors.actorsOf(asked.principal), (who) => evaluate(lookup, who, asked, action, evidence, withScopes)),
      );
    },
    allowedActions(principal, resource, property, evidence) {
      return then(loadForDecision(documents, [resource]), (lookup) =>
        then(actors.actorsOf(principal), (who) =>
          allowedActionsFor(evidence, lookup, resource, property, who.caller, who.teamsWithRoles),
        ),
      );
    },
  };
}
