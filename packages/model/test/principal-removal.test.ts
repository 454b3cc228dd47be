import fc from 'fast-check';
import {
  ANYONE,
  INCOGNITO,
  isAllowedByDocuments,
  teamWithoutMember,
  withoutPrincipal,
  type Caller,
  type PermissionsDocument,
} from '../src';
import { ALICE, BOB, ISS, MALLORY, TEAM, lookupOf } from './fixtures';

describe('withoutPrincipal', () => {
  test('removes the principal from every action map, keeps the lists and everything else', () => {
    const doc: PermissionsDocument = {
      _subject: '/d',
      _self: { govern: [ALICE, BOB], read: [BOB] },
      _permissionsHeirs: { add: [BOB] },
      keyvaluemaps: { read: [ALICE] },
      notes: [BOB],
      _constraints: { validIssuers: [ISS] },
      _metadata: { sharedWith: [ALICE, BOB] },
    };
    expect(withoutPrincipal(doc, BOB)).toEqual({
      document: {
        ...doc,
        _self: { govern: [ALICE], read: [] },
        _permissionsHeirs: { add: [] },
      },
      removed: { _self: ['govern', 'read'], _permissionsHeirs: ['add'] },
    });
    expect(doc._self).toEqual({ govern: [ALICE, BOB], read: [BOB] });
    expect(withoutPrincipal(doc, MALLORY)).toBeUndefined();
  });

  test('teamWithoutMember', () => {
    expect(teamWithoutMember({ isA: 'Team', members: [ALICE, BOB] }, BOB)).toEqual({ isA: 'Team', members: [ALICE] });
    expect(teamWithoutMember({ isA: 'Team', members: [ALICE] }, BOB)).toBeUndefined();
  });

  // Why a removal may decide everything on the state before it: taking a principal out of lists never lets anyone
  // do anything he could not do before, whatever the documents, vetoes and callers.
  test('property: removing a principal never grants anything to anyone', () => {
    const principals = [ALICE, BOB, MALLORY, TEAM, ANYONE, INCOGNITO, `${ISS}#anyone`];
    const subjects = ['s0', 's1', 's2', 's3'];
    const callers: Caller[] = [
      { principal: ALICE, teams: [TEAM] },
      { principal: BOB, teams: [] },
      { principal: MALLORY, teams: [TEAM] },
      { principal: null, teams: [] },
    ];
    const docArb = (subject: string) =>
      fc
        .record({
          parents: fc.uniqueArray(fc.constantFrom(...subjects), { maxLength: 2 }),
          self: fc.dictionary(fc.constantFrom('read', 'govern'), fc.uniqueArray(fc.constantFrom(...principals))),
          widening: fc.boolean(),
          issuers: fc.option(fc.constantFrom([ISS], [ISS, 'https://other.example.org'])),
        })
        .map(({ parents, self, widening, issuers }): PermissionsDocument => ({
          _subject: subject,
          _inheritsPermissionsOf: parents.filter((p) => p !== subject),
          _self: self,
          _constraints: { wideningForbidden: widening, ...(issuers ? { validIssuers: [...issuers] } : {}) },
        }));
    fc.assert(
      fc.property(
        fc.tuple(...subjects.map(docArb)),
        fc.constantFrom(...principals),
        fc.constantFrom(...callers),
        fc.constantFrom('read', 'govern'),
        (docs, removed, caller, action) => {
          const after = docs.map((doc) => withoutPrincipal(doc, removed)?.document ?? doc);
          for (const subject of subjects) {
            const then = isAllowedByDocuments(lookupOf(...docs), subject, { action }, caller).allowed;
            const now = isAllowedByDocuments(lookupOf(...after), subject, { action }, caller).allowed;
            if (now === true) expect(then).toBe(true);
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});
