import fc from 'fast-check';
import {
  ANYONE,
  answersAcross,
  isAllowed,
  knowledgeAcross,
  mayKnowOf,
  mayReadContent,
  visibleSubjects,
  type Caller,
  type DocumentLookup,
  type PermissionsDocument,
  type TeamWithId,
} from '../src';
import { ALICE, BOB, ISS, MALLORY, OTHER_ISS, TEAM, caller, lookupOf } from './fixtures';

const O = 'http://x.com/o';
const SUBJECTS = [O, `${O}/a`, `${O}/a/b`, `${O}/a/b/c`, `${O}/d`, 'http://x.com/p', 'http://x.com/p/q'];
const ACTIONS = ['read', 'admin', 'delete'];
const PRINCIPALS = [ALICE, BOB, MALLORY, TEAM, ANYONE, `${ISS}#anyone`];
const CALLERS: Caller[] = [caller(ALICE, [TEAM]), caller(BOB), caller(MALLORY, [TEAM]), caller(null)];

const docArb = (subject: string): fc.Arbitrary<PermissionsDocument> =>
  fc
    .record({
      parents: fc.uniqueArray(fc.constantFrom(...SUBJECTS, `${O}/gone`), { maxLength: 3 }),
      self: fc.dictionary(
        fc.constantFrom(...ACTIONS),
        fc.uniqueArray(fc.constantFrom(...PRINCIPALS), { maxLength: 2 }),
      ),
      validIssuers: fc.option(fc.constantFrom([ISS], [OTHER_ISS]), { freq: 6 }),
      wideningForbidden: fc.option(fc.boolean(), { freq: 3 }),
    })
    .map(({ parents, self, validIssuers, wideningForbidden }) => {
      // Every document of the graph is its subject's first incarnation (1), which the roles below are bound to.
      const doc: PermissionsDocument = {
        _subject: subject,
        _inheritsPermissionsOf: parents,
        _self: self,
        _metadata: { sharedWith: [], incarnation: 1 },
      };
      if (validIssuers !== null) doc._constraints = { validIssuers: [...validIssuers] };
      if (wideningForbidden !== null) doc._constraints = { ...doc._constraints, wideningForbidden };
      return doc;
    });

const graphArb = fc
  .tuple(...SUBJECTS.map((subject) => fc.option(docArb(subject), { freq: 5 })))
  .map((docs) => docs.filter((doc): doc is PermissionsDocument => doc !== null));

/**
 * Team roles on bases among the subjects (and one that is gone), with patterns of every kind, bound to the first
 * incarnation of some bases (live while that document is there) and to another incarnation of others (never live).
 */
const rolesArb: fc.Arbitrary<TeamWithId[]> = fc
  .tuple(
    fc.dictionary(
      fc.constantFrom(O, `${O}/a`, `${O}/a/`, 'http://x.com/p', `${O}/gone`),
      fc.dictionary(fc.constantFrom('/', '/*', '/a', '/*/b', '/a/*/*'), fc.subarray(ACTIONS), { maxKeys: 2 }),
      { maxKeys: 3 },
    ),
    fc.dictionary(fc.constantFrom(O, `${O}/a`, 'http://x.com/p', `${O}/gone`), fc.constantFrom(1, 2)),
  )
  .map(([roles, rolesGrantedOn]) => [
    { id: TEAM, team: { isA: 'Team' as const, members: [ALICE, MALLORY], roles, rolesGrantedOn } },
  ]);

const startsArb = fc.uniqueArray(fc.constantFrom(...SUBJECTS), { minLength: 1, maxLength: 3 });

test('answersAcross gives, for every reachable document, exactly what isAllowed gives for it', () => {
  fc.assert(
    fc.property(
      graphArb,
      rolesArb,
      startsArb,
      fc.constantFrom(...CALLERS),
      fc.constantFrom(...ACTIONS),
      (docs, teams, starts, who, action) => {
        const lookup = lookupOf(...docs);
        const answers = answersAcross(lookup, starts, { action }, who, teams);
        for (const [subject, answer] of answers) {
          expect(answer).toBe(isAllowed(lookup, subject, { action }, who, teams).allowed);
        }
        const custom = answersAcross(lookup, starts, { property: 'kvm', action }, who, teams);
        for (const [subject, answer] of custom) {
          expect(answer).toBe(isAllowed(lookup, subject, { property: 'kvm', action }, who, teams).allowed);
        }
      },
    ),
    { numRuns: 500 },
  );
});

test('knowledgeAcross and visibleSubjects agree with mayKnowOf and mayReadContent', () => {
  fc.assert(
    fc.property(graphArb, rolesArb, startsArb, fc.constantFrom(...CALLERS), (docs, teamsWithRoles, starts, who) => {
      const context = { lookup: lookupOf(...docs), caller: who, teamsWithRoles };
      const knowledge = knowledgeAcross(context, starts);
      for (const subject of [...SUBJECTS, `${O}/gone`]) {
        const reached = knowledge(subject);
        // Subjects outside what `starts` reach are `nothing`; inside, the answer is the single-document rule's.
        if (reached === 'content') expect(mayReadContent(context, subject)).toBe(true);
        if (reached === 'existence') {
          expect(mayKnowOf(context, subject)).toBe(true);
          expect(mayReadContent(context, subject)).toBe(false);
        }
      }
      for (const subject of starts) {
        const expected = mayReadContent(context, subject)
          ? 'content'
          : mayKnowOf(context, subject)
            ? 'existence'
            : 'nothing';
        expect(knowledge(subject)).toBe(expected);
      }
      expect(visibleSubjects(context, starts)).toEqual(starts.filter((s) => mayKnowOf(context, s)));
    }),
    { numRuns: 300 },
  );
});

/** A chain leaf → … → root of `depth` documents, the root granting `grant` to alice. */
function chain(depth: number, grant: Record<string, string[]>): { lookup: DocumentLookup; leaf: string } {
  const docs: PermissionsDocument[] = [{ _subject: 'http://x.com/c0', _self: grant }];
  for (let i = 1; i < depth; i++)
    docs.push({ _subject: `http://x.com/c${i}`, _inheritsPermissionsOf: [`http://x.com/c${i - 1}`] });
  return { lookup: lookupOf(...docs), leaf: `http://x.com/c${depth - 1}` };
}

/** Counts the documents the evaluation looks up: its work, without measuring time. */
function counting(lookup: DocumentLookup): { lookup: DocumentLookup; count: () => number } {
  let n = 0;
  return {
    lookup: (subject) => {
      n++;
      return lookup(subject);
    },
    count: () => n,
  };
}

test('a 600-deep chain is judged with work linear in its depth (issue 18 item 11)', () => {
  const depth = 600;
  const { lookup, leaf } = chain(depth, { admin: [ALICE], read: [ALICE] });
  const counted = counting(lookup);
  const knowledge = knowledgeAcross({ lookup: counted.lookup, caller: caller(ALICE), teamsWithRoles: [] }, [leaf]);
  expect(knowledge('http://x.com/c0')).toBe('content');
  expect(knowledge('http://x.com/c300')).toBe('content');
  expect(knowledge(leaf)).toBe('content');
  // Two walks (read and admin) of 600 documents; asking each document alone would look up 600·601 of them.
  expect(counted.count()).toBeLessThanOrEqual(4 * depth);
});

test('roles on a deep chain: the base is matched once, not once per document', () => {
  const depth = 300;
  const docs: PermissionsDocument[] = [
    { _subject: O, _self: { govern: [BOB] }, _metadata: { sharedWith: [], incarnation: 1 } },
  ];
  let parent = O;
  for (let i = 0; i < depth; i++) {
    const subject = `${parent}/n`; // nested paths: only the first is one segment below the base
    docs.push({ _subject: subject, _inheritsPermissionsOf: [parent] });
    parent = subject;
  }
  const teams: TeamWithId[] = [
    {
      id: TEAM,
      team: { isA: 'Team', members: [ALICE], roles: { [O]: { '/*': ['admin'] } }, rolesGrantedOn: { [O]: 1 } },
    },
  ];
  const counted = counting(lookupOf(...docs));
  const answers = answersAcross(counted.lookup, [parent], { action: 'admin' }, caller(ALICE, [TEAM]), teams);
  expect(answers.get(`${O}/n`)).toBe(true); // one segment below the base: the role's '/*'
  expect(answers.get(`${O}/n/n`)).toBeNull(); // two segments below: '/*' does not match
  expect(answers.get(O)).toBeNull(); // '/*' does not match the base itself
  expect(counted.count()).toBeLessThanOrEqual(2 * (depth + 1));
});
