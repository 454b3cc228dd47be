import fc from 'fast-check';
import {
  allowedActionsFor,
  decide,
  isAllowedByDocuments,
  snapshotLookup,
  type Caller,
  type Evidence,
  type PermissionsDocument,
  type TeamWithId,
} from '../src';
import { ALICE, BOB, ISS, MALLORY, OTHER_ISS, TEAM, boundTeam, lookupOf, stored } from './fixtures';

const CAROL = `${ISS}#carol`;
const ORG = 'http://h.example/org';
const MINUTES = `${ORG}/board-minutes`;
const EVIDENCE: Evidence[] = ['all', 'documents', 'roles'];

describe('a veto applies whatever the evidence (issue 18.6)', () => {
  // A namespace (the roles also reach its undocumented resources), its roles bound to this incarnation.
  const org: PermissionsDocument = stored({ _subject: ORG, _self: { govern: [ALICE] } }, 5, { namespace: true });
  const minutes: PermissionsDocument = {
    _subject: MINUTES,
    _inheritsPermissionsOf: [ORG],
    _self: { read: [CAROL] },
    _constraints: { wideningForbidden: true },
  };
  const readers: TeamWithId = { id: TEAM, team: boundTeam([BOB], { [ORG]: { '/': ['read'] } }, { [ORG]: 5 }) };
  const bob: Caller = { principal: BOB, teams: [TEAM] };
  const lookup = lookupOf(org, minutes);

  test('bob, reading under /org by a role, is refused the board minutes on every route', () => {
    for (const evidence of EVIDENCE) {
      expect(decide(evidence, lookup, MINUTES, { action: 'read' }, bob, [readers]).allowed).toBe(false);
      expect(allowedActionsFor(evidence, lookup, MINUTES, '_self', bob, [readers])).toEqual([]);
    }
    // Where nothing vetoes, the role still grants on the roles routes and the role fallback.
    expect(decide('roles', lookup, `${ORG}/other`, { action: 'read' }, bob, [readers]).allowed).toBe(true);
    expect(decide('all', lookup, `${ORG}/other`, { action: 'read' }, bob, [readers]).allowed).toBe(true);
    expect(decide('documents', lookup, `${ORG}/other`, { action: 'read' }, bob, [readers]).allowed).toBe(null);
  });

  test('a role on a base created again (another incarnation) decides nothing on any route', () => {
    const recreated = lookupOf(stored({ _subject: ORG, _self: { govern: [ALICE] } }, 6, { namespace: true }), minutes);
    for (const evidence of EVIDENCE) {
      expect(decide(evidence, recreated, `${ORG}/other`, { action: 'read' }, bob, [readers]).allowed).toBe(null);
      expect(allowedActionsFor(evidence, recreated, `${ORG}/other`, '_self', bob, [readers])).toEqual([]);
    }
  });

  test('an undocumented resource: only its nearest namespace decides, never a plain document above it', () => {
    const plain = lookupOf({ _subject: ORG, _self: { govern: [BOB] }, _metadata: { sharedWith: [], incarnation: 5 } });
    for (const evidence of EVIDENCE) {
      expect(decide(evidence, plain, `${ORG}/other`, { action: 'read' }, bob, [readers]).allowed).toBe(null);
    }
  });

  test('carol, whom the minutes grant, has no role: roles-only routes say null, the others true', () => {
    const carol: Caller = { principal: CAROL, teams: [] };
    expect(decide('roles', lookup, MINUTES, { action: 'read' }, carol, []).allowed).toBe(null);
    expect(decide('documents', lookup, MINUTES, { action: 'read' }, carol, []).allowed).toBe(true);
    expect(decide('all', lookup, MINUTES, { action: 'read' }, carol, []).allowed).toBe(true);
  });
});

const SUBJECTS = ['s0', 's1', 's2', 's3'];
const ACTIONS = ['read', 'write'];
const PRINCIPALS = [ALICE, BOB, MALLORY, TEAM, `${ISS}#anyone`];
const docArb = (subject: string): fc.Arbitrary<PermissionsDocument> =>
  fc
    .record({
      parents: fc.uniqueArray(fc.constantFrom(...SUBJECTS, 'gone'), { maxLength: 2 }),
      self: fc.dictionary(
        fc.constantFrom(...ACTIONS),
        fc.uniqueArray(fc.constantFrom(...PRINCIPALS), { maxLength: 2 }),
      ),
      validIssuers: fc.option(fc.constantFrom<string[]>([ISS], [OTHER_ISS]), { freq: 4 }),
      wideningForbidden: fc.option(fc.constant(true), { freq: 3 }),
    })
    .map(({ parents, self, validIssuers, wideningForbidden }) => ({
      // Incarnation 1 or 2, so a team's binding (teamArb) is live or not; s0 and s1 may be namespaces.
      _metadata: {
        sharedWith: [],
        incarnation: subject === 's1' ? 2 : 1,
        ...(subject === 's2' ? {} : { namespace: true as const }),
      },
      _subject: subject,
      _inheritsPermissionsOf: parents,
      _self: self,
      ...(validIssuers || wideningForbidden
        ? {
            _constraints: {
              ...(validIssuers ? { validIssuers } : {}),
              ...(wideningForbidden ? { wideningForbidden } : {}),
            },
          }
        : {}),
    }));
const graphArb = fc
  .tuple(...SUBJECTS.map((s) => fc.option(docArb(s), { freq: 4 })))
  .map((docs) => docs.filter((d): d is PermissionsDocument => d !== null));
const teamArb: fc.Arbitrary<TeamWithId> = fc
  .dictionary(fc.constantFrom('s0', 's1', 's'), fc.dictionary(fc.constantFrom('/', '/x'), fc.subarray(ACTIONS)))
  .chain((roles) =>
    fc
      .record({ s0: fc.constantFrom(1, 2), s1: fc.constantFrom(1, 2), s: fc.constant(1) })
      .map((grantedOn) => ({ id: TEAM, team: boundTeam([ALICE, MALLORY], roles, grantedOn) })),
  );
const callerArb = fc.constantFrom<Caller>(
  { principal: ALICE, teams: [TEAM] },
  { principal: MALLORY, teams: [TEAM] },
  { principal: BOB, teams: [] },
  { principal: null, teams: [] },
);

describe('the one engine call, for every evidence', () => {
  test('allowedActionsFor lists an action iff decide answers true for it', () => {
    fc.assert(
      fc.property(
        graphArb,
        teamArb,
        callerArb,
        fc.constantFrom(...EVIDENCE),
        fc.constantFrom('s0', 's0/x', 's1'),
        (docs, team, caller, evidence, subject) => {
          const lookup = lookupOf(...docs);
          const listed = allowedActionsFor(evidence, lookup, subject, '_self', caller, [team]);
          const expected = ACTIONS.filter(
            (action) => decide(evidence, lookup, subject, { action }, caller, [team]).allowed === true,
          );
          expect([...listed].sort()).toEqual(expected);
        },
      ),
      { numRuns: 1000 },
    );
  });

  test('a documents veto is false on every evidence; without one, roles never turn null into false', () => {
    fc.assert(
      fc.property(graphArb, teamArb, callerArb, fc.constantFrom(...ACTIONS), (docs, team, caller, action) => {
        const lookup = lookupOf(...docs);
        const vetoed = isAllowedByDocuments(lookup, 's0', { action }, caller).allowed === false;
        for (const evidence of EVIDENCE) {
          const answer = decide(evidence, lookup, 's0', { action }, caller, [team]).allowed;
          expect(answer === false).toBe(vetoed);
        }
      }),
      { numRuns: 1000 },
    );
  });

  test('a snapshot lookup walks each subject once and answers exactly as a plain one', () => {
    fc.assert(
      fc.property(graphArb, teamArb, callerArb, (docs, team, caller) => {
        const plain = lookupOf(...docs);
        let loads = 0;
        const counted = snapshotLookup((subject) => (loads++, plain(subject)));
        for (const evidence of EVIDENCE) {
          for (const action of ACTIONS) {
            expect(decide(evidence, counted, 's0', { action }, caller, [team])).toEqual(
              decide(evidence, plain, 's0', { action }, caller, [team]),
            );
          }
        }
        // One walk from s0 reads each reachable subject (at most 5) once for all six questions; only the role
        // fallback reads the resource itself once more per question (basesReaching).
        expect(loads).toBeLessThanOrEqual(SUBJECTS.length + 1 + EVIDENCE.length * ACTIONS.length);
      }),
      { numRuns: 300 },
    );
  });
});
