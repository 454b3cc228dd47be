import fc from 'fast-check';
import {
  ANYONE,
  INCOGNITO,
  allowedActions,
  allowedActionsWithRoles,
  combineAll,
  documentOpinion,
  isAllowed,
  isAllowedByDocuments,
  type Caller,
  type DocumentLookup,
  type PermissionsDocument,
  type TeamWithId,
} from '../src';
import { ALICE, BOB, ISS, MALLORY, OTHER_ISS, TEAM, lookupOf } from './fixtures';

const SUBJECTS = ['s0', 's1', 's2', 's3', 's4', 's5'];
const ACTIONS = ['read', 'write', 'delete'];
const PRINCIPALS = [ALICE, BOB, MALLORY, TEAM, INCOGNITO, ANYONE, `${ISS}#anyone`, `${OTHER_ISS}#anyone`];
const CALLERS: Caller[] = [
  { principal: ALICE, teams: [TEAM] },
  { principal: ALICE, teams: [] },
  { principal: BOB, teams: [] },
  { principal: MALLORY, teams: [TEAM] },
  { principal: null, teams: [] },
];
const RUNS = { numRuns: 400 };

const docArb = (subject: string): fc.Arbitrary<PermissionsDocument> =>
  fc
    .record(
      {
        parents: fc.uniqueArray(fc.constantFrom(...SUBJECTS, 'missing'), { maxLength: 3 }),
        self: fc.dictionary(
          fc.constantFrom(...ACTIONS),
          fc.uniqueArray(fc.constantFrom(...PRINCIPALS), { maxLength: 3 }),
        ),
        validIssuers: fc.option(fc.uniqueArray(fc.constantFrom(ISS, OTHER_ISS), { maxLength: 2 }), { freq: 5 }),
        wideningForbidden: fc.option(fc.boolean(), { freq: 2 }),
      },
      { requiredKeys: ['parents', 'self'] },
    )
    .map(({ parents, self, validIssuers, wideningForbidden }) => {
      const doc: PermissionsDocument = { _subject: subject, _inheritsPermissionsOf: parents, _self: self };
      const constraints: NonNullable<PermissionsDocument['_constraints']> = {};
      if (validIssuers !== null && validIssuers !== undefined) constraints.validIssuers = validIssuers;
      if (wideningForbidden !== null && wideningForbidden !== undefined)
        constraints.wideningForbidden = wideningForbidden;
      if (Object.keys(constraints).length > 0) doc._constraints = constraints;
      return doc;
    });

/** A random graph over SUBJECTS (cycles, diamonds and missing parents are frequent); s0 sometimes has no document. */
const graphArb: fc.Arbitrary<PermissionsDocument[]> = fc
  .tuple(...SUBJECTS.map((subject) => fc.option(docArb(subject), { freq: 6 })))
  .map((docs) => docs.filter((doc): doc is PermissionsDocument => doc !== null));

const callerArb = fc.constantFrom(...CALLERS);
const actionArb = fc.constantFrom(...ACTIONS);

/** Independent oracle: reachable set by fixpoint, then "any veto → false, any grant → true, else null". */
function oracle(docs: PermissionsDocument[], subject: string, action: string, caller: Caller): boolean | null {
  const bySubject = new Map(docs.map((doc) => [doc._subject, doc]));
  if (!bySubject.has(subject)) return null;
  const reached = new Set([subject]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const s of [...reached]) {
      for (const parent of bySubject.get(s)?._inheritsPermissionsOf ?? []) {
        if (!reached.has(parent)) {
          reached.add(parent);
          grew = true;
        }
      }
    }
  }
  const opinions = [...reached].flatMap((s) => {
    const doc = bySubject.get(s);
    return doc === undefined ? [] : [documentOpinion(doc, '_self', action, caller)];
  });
  return opinions.includes(false) ? false : opinions.includes(true) ? true : null;
}

describe('decision engine properties', () => {
  test('the walk agrees with a fixpoint oracle, terminates on cycles and loads each subject at most once', () => {
    fc.assert(
      fc.property(graphArb, callerArb, actionArb, (docs, caller, action) => {
        const loads = new Map<string, number>();
        const inner = lookupOf(...docs);
        const lookup: DocumentLookup = (subject) => (loads.set(subject, (loads.get(subject) ?? 0) + 1), inner(subject));
        const answer = isAllowedByDocuments(lookup, 's0', { action }, caller);
        expect(answer.allowed).toBe(oracle(docs, 's0', action, caller));
        expect([...loads.values()].every((count) => count === 1)).toBe(true);
        expect(new Set(answer.scopes).size).toBe(answer.scopes.length);
        if (answer.scopes.length > 0) expect(answer.scopes[0]).toBe('s0');
      }),
      RUNS,
    );
  });

  test('the answer does not depend on the order of parents', () => {
    fc.assert(
      fc.property(graphArb, callerArb, actionArb, fc.integer(), (docs, caller, action, seed) => {
        const shuffled = docs.map((doc, i) => ({
          ...doc,
          _inheritsPermissionsOf: rotate(doc._inheritsPermissionsOf ?? [], seed + i).reverse(),
        }));
        const a = lookupOf(...docs);
        const b = lookupOf(...shuffled);
        expect(isAllowedByDocuments(b, 's0', { action }, caller).allowed).toBe(
          isAllowedByDocuments(a, 's0', { action }, caller).allowed,
        );
        expect(new Set(isAllowedByDocuments(b, 's0', { action }, caller).scopes)).toEqual(
          new Set(isAllowedByDocuments(a, 's0', { action }, caller).scopes),
        );
        expect(new Set(allowedActions(b, 's0', '_self', caller).actions)).toEqual(
          new Set(allowedActions(a, 's0', '_self', caller).actions),
        );
      }),
      RUNS,
    );
  });

  test('a reachable wideningForbidden ancestor that does not grant always yields false', () => {
    fc.assert(
      fc.property(graphArb, callerArb, actionArb, fc.nat(), (docs, caller, action, pick) => {
        const bySubject = new Map(docs.map((doc) => [doc._subject, doc]));
        if (!bySubject.has('s0')) return;
        const reachable = isAllowedByDocuments(lookupOf(...docs), 's0', { action }, caller).scopes;
        const host = reachable[pick % reachable.length];
        const guard: PermissionsDocument = {
          _subject: 'guard',
          _self: { [action]: [], other: PRINCIPALS },
          _constraints: { wideningForbidden: true },
        };
        const patched = docs.map((doc) =>
          doc._subject === host
            ? { ...doc, _inheritsPermissionsOf: [...(doc._inheritsPermissionsOf ?? []), 'guard'] }
            : doc,
        );
        const lookup = lookupOf(...patched, guard);
        expect(isAllowedByDocuments(lookup, 's0', { action }, caller).allowed).toBe(false);
        expect(allowedActions(lookup, 's0', '_self', caller).actions).not.toContain(action);
      }),
      RUNS,
    );
  });

  test('allowedActions lists an action iff isAllowedByDocuments answers true for it', () => {
    fc.assert(
      fc.property(graphArb, callerArb, fc.constantFrom(...SUBJECTS), (docs, caller, subject) => {
        const lookup = lookupOf(...docs);
        const listed = allowedActions(lookup, subject, '_self', caller).actions;
        const expected = [...ACTIONS, 'unnamed'].filter(
          (action) => isAllowedByDocuments(lookup, subject, { action }, caller).allowed === true,
        );
        expect([...listed].sort()).toEqual(expected.sort());
      }),
      RUNS,
    );
  });

  test('allowedActionsWithRoles lists an action iff isAllowed (with roles) answers true for it', () => {
    const roles: TeamWithId = {
      id: TEAM,
      team: { isA: 'Team', members: [ALICE, MALLORY], roles: { s: { '/': ['read'] }, s0: { '/': ['write', 'read'] } } },
    };
    fc.assert(
      fc.property(graphArb, callerArb, fc.constantFrom(...SUBJECTS), (docs, caller, subject) => {
        const lookup = lookupOf(...docs);
        const listed = allowedActionsWithRoles(lookup, subject, undefined, caller, [roles]).actions;
        const expected = ACTIONS.filter(
          (action) => isAllowed(lookup, subject, { action }, caller, [roles]).allowed === true,
        );
        expect([...listed].sort()).toEqual(expected.sort());
      }),
      RUNS,
    );
  });

  test('combineAll is the three-valued AND of its answers, whatever their order', () => {
    const answer = fc.constantFrom<boolean | null>(true, false, null);
    fc.assert(
      fc.property(fc.array(answer, { minLength: 1 }), fc.nat(), (answers, seed) => {
        const combined = combineAll(answers);
        // an independent fold of single answers: false beats null beats true
        const rank = (a: boolean | null) => (a === false ? 0 : a === null ? 1 : 2);
        const expected = answers.reduce<boolean | null>((acc, a) => (rank(a) < rank(acc) ? a : acc), true);
        expect(combined).toBe(expected);
        // any permutation gives the same answer
        const shuffled = [...answers];
        let s = seed;
        for (let i = shuffled.length - 1; i > 0; i--) {
          s = (s * 1103515245 + 12345) % 2147483648;
          const j = s % (i + 1);
          [shuffled[i], shuffled[j]] = [shuffled[j], shuffled[i]];
        }
        expect(combineAll(shuffled)).toBe(combined);
        expect(combineAll([...answers].reverse())).toBe(combined);
      }),
    );
  });
});

function rotate<T>(values: readonly T[], by: number): T[] {
  if (values.length === 0) return [];
  const k = ((by % values.length) + values.length) % values.length;
  return [...values.slice(k), ...values.slice(0, k)];
}
