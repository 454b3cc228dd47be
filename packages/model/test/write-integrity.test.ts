import fc from 'fast-check';
import {
  ANYONE,
  BadRequestError,
  ConflictError,
  MAX_INHERITANCE_DEPTH,
  MAX_PARENTS_PER_DOCUMENT,
  MAX_PRINCIPAL_BYTES,
  MAX_PRINCIPALS_PER_DOCUMENT,
  MAX_SUBJECT_BYTES,
  allowedActions,
  assertInheritanceDepth,
  assertRepairable,
  inheritanceDepth,
  isAllowedByDocuments,
  isLeaving,
  mayRepair,
  planDeletion,
  repairCandidates,
  rootDocument,
  validateDocument,
  validateTeam,
  type DocumentLookup,
  type PermissionsDocument,
  type Team,
} from '../src';
import { ALICE, BOB, ISS, MALLORY, OTHER_ISS, TEAM, caller, lookupOf } from './fixtures';

const HEIRS_ADD = { property: '_permissionsHeirs', action: 'add' };

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

describe('wildcard _permissionsHeirs grants apply to their own document only (issue 18.5)', () => {
  const root = rootDocument([ALICE]);
  const acme: PermissionsDocument = { _subject: '/acme', _inheritsPermissionsOf: ['/'], _self: { govern: [ALICE] } };
  const org: PermissionsDocument = {
    _subject: '/org',
    _inheritsPermissionsOf: ['/'],
    _self: { govern: [ALICE] },
    _permissionsHeirs: { add: [TEAM, ANYONE, `${ISS}#anyone`] },
  };
  const app: PermissionsDocument = { _subject: '/org/app', _inheritsPermissionsOf: ['/org'] };
  const lookup = lookupOf(root, acme, org, app);

  test('anyone may attach under / itself, nobody under a document merely inheriting from /', () => {
    expect(isAllowedByDocuments(lookup, '/', HEIRS_ADD, caller(BOB)).allowed).toBe(true);
    expect(isAllowedByDocuments(lookup, '/acme', HEIRS_ADD, caller(BOB)).allowed).toBeNull();
    expect(allowedActions(lookup, '/acme', '_permissionsHeirs', caller(BOB)).actions).toEqual([]);
  });

  test('named principals and teams are inherited; wildcards, global or of an issuer, are not', () => {
    expect(isAllowedByDocuments(lookup, '/org', HEIRS_ADD, caller(BOB)).allowed).toBe(true);
    expect(isAllowedByDocuments(lookup, '/org/app', HEIRS_ADD, caller(BOB)).allowed).toBeNull();
    expect(isAllowedByDocuments(lookup, '/org/app', HEIRS_ADD, caller(BOB, [TEAM])).allowed).toBe(true);
    // a governor of / keeps `remove` (a named grant) on every document inheriting from /
    expect(isAllowedByDocuments(lookup, '/acme', { ...HEIRS_ADD, action: 'remove' }, caller(ALICE)).allowed).toBe(true);
  });

  test('_self and other properties keep inheriting wildcards', () => {
    const open = lookupOf(
      { _subject: 'p', _self: { read: [ANYONE], govern: [ALICE] } },
      { _subject: 'c', _inheritsPermissionsOf: ['p'] },
    );
    expect(isAllowedByDocuments(open, 'c', { action: 'read' }, caller(BOB)).allowed).toBe(true);
  });

  test('allowedActions agrees with isAllowedByDocuments on _permissionsHeirs, for random graphs', () => {
    const subjects = ['s0', 's1', 's2', 's3'];
    const principals = [ALICE, BOB, TEAM, ANYONE, `${ISS}#anyone`, `${OTHER_ISS}#anyone`];
    const docArb = (subject: string) =>
      fc
        .record({
          parents: fc.uniqueArray(fc.constantFrom(...subjects), { maxLength: 2 }),
          heirs: fc.dictionary(fc.constantFrom('add', 'remove'), fc.uniqueArray(fc.constantFrom(...principals))),
          narrow: fc.boolean(),
        })
        .map(({ parents, heirs, narrow }): PermissionsDocument => ({
          _subject: subject,
          _inheritsPermissionsOf: parents.filter((p) => p !== subject),
          _permissionsHeirs: heirs,
          ...(narrow ? { _constraints: { wideningForbidden: true } } : {}),
        }));
    const callers = [caller(ALICE), caller(BOB, [TEAM]), caller(MALLORY), caller(null)];
    fc.assert(
      fc.property(fc.tuple(...subjects.map(docArb)), fc.constantFrom(...callers), (docs, who) => {
        const graph = lookupOf(...docs);
        const listed = allowedActions(graph, 's0', '_permissionsHeirs', who).actions;
        const expected = ['add', 'remove'].filter(
          (action) =>
            isAllowedByDocuments(graph, 's0', { property: '_permissionsHeirs', action }, who).allowed === true,
        );
        expect([...listed].sort()).toEqual(expected);
      }),
      { numRuns: 300 },
    );
  });
});

describe('inheritance depth (issue 18 write-side bounds)', () => {
  const chain = (n: number): PermissionsDocument[] =>
    Array.from({ length: n }, (_, i) => ({
      _subject: `d${i}`,
      ...(i === 0 ? { _self: { govern: [ALICE] } } : { _inheritsPermissionsOf: [`d${i - 1}`] }),
    }));

  test('a document without parents is at 1, a missing one at 0, the longest branch counts', () => {
    const lookup = lookupOf(...chain(4), { _subject: 'x', _inheritsPermissionsOf: ['d0', 'd3', 'gone'] });
    expect(inheritanceDepth(lookup, ['d0'])).toBe(1);
    expect(inheritanceDepth(lookup, ['d3'])).toBe(4);
    expect(inheritanceDepth(lookup, ['x'])).toBe(5);
    expect(inheritanceDepth(lookup, ['gone'])).toBe(0);
    expect(inheritanceDepth(lookup, ['d1', 'd2'])).toBe(3);
  });

  test('cycles left in old data end; chains deeper than the stack are measured', () => {
    const cycle = lookupOf(
      { _subject: 'a', _inheritsPermissionsOf: ['b'] },
      { _subject: 'b', _inheritsPermissionsOf: ['a'] },
    );
    expect(inheritanceDepth(cycle, ['a'])).toBe(2);
    expect(inheritanceDepth(lookupOf(...chain(50_000)), ['d49999'])).toBe(50_000);
  });

  test('a chain deeper than MAX_INHERITANCE_DEPTH is refused with a 400 naming the bound', () => {
    const lookup = lookupOf(...chain(MAX_INHERITANCE_DEPTH));
    expect(() => assertInheritanceDepth(lookup, 'new', [`d${MAX_INHERITANCE_DEPTH - 2}`], 0)).not.toThrow();
    const error = thrown(() => assertInheritanceDepth(lookup, 'new', [`d${MAX_INHERITANCE_DEPTH - 1}`], 0));
    expect(error).toBeInstanceOf(BadRequestError);
    expect((error as BadRequestError).message).toContain(`at most ${MAX_INHERITANCE_DEPTH}`);
    expect((error as BadRequestError).details).toEqual({
      limit: MAX_INHERITANCE_DEPTH,
      depth: MAX_INHERITANCE_DEPTH + 1,
    });
    // heirs below count too
    expect(() => assertInheritanceDepth(lookup, 'new', ['d0'], MAX_INHERITANCE_DEPTH - 1)).toThrow(BadRequestError);
  });
});

describe('repairability: nobody is locked out by a change (issue 18.8)', () => {
  const root = rootDocument([ALICE]);
  const check = (docs: PermissionsDocument[], subject: string, members = new Map<string, string[]>()) => {
    // as stored: validated (admin defaults to the governors)
    const lookup = lookupOf(root, ...docs.map((doc) => validateDocument(doc)));
    return () => assertRepairable(lookup, subject, repairCandidates(lookup, subject), members);
  };

  test('validIssuers naming an issuer nobody has is refused; one the governor has is not', () => {
    const doc = (issuers: string[]): PermissionsDocument => ({
      _subject: 'd',
      _self: { govern: [BOB], admin: [BOB] },
      _constraints: { validIssuers: issuers },
    });
    expect(check([doc(['https://nobody.example'])], 'd')).toThrow(/nobody allowed to admin and govern d/);
    expect(check([doc([ISS])], 'd')).not.toThrow();
    // issuers compare as written: a trailing slash is another issuer (principals are stored canonical)
    expect(check([doc([`${ISS}/`])], 'd')).toThrow(BadRequestError);
  });

  test('a governor of / is enough, when the document inherits from /', () => {
    const doc: PermissionsDocument = {
      _subject: 'd',
      _inheritsPermissionsOf: ['/'],
      _self: { govern: [MALLORY] },
      _constraints: { validIssuers: [ISS] },
    };
    expect(check([doc], 'd')).not.toThrow();
    expect(mayRepair(lookupOf(root, doc), 'd', caller(MALLORY))).toBe(false);
  });

  test('a wideningForbidden that grants admin and govern to nobody is refused', () => {
    const doc: PermissionsDocument = {
      _subject: 'd',
      _inheritsPermissionsOf: ['/'],
      _self: { read: [BOB] },
      _constraints: { wideningForbidden: true },
    };
    expect(check([doc], 'd')).toThrow(BadRequestError);
    expect(check([{ ...doc, _self: { govern: [BOB], admin: [BOB] } }], 'd')).not.toThrow();
    // held apart is enough: the governor can give himself admin
    expect(check([{ ...doc, _self: { govern: [BOB], admin: [MALLORY] } }], 'd')).not.toThrow();
    expect(check([{ ...doc, _self: { govern: [BOB], admin: [] } }], 'd')).toThrow(/nobody allowed to admin d/);
  });

  test('teams govern through their members; wildcards through the issuers they cover', () => {
    const byTeam: PermissionsDocument = {
      _subject: 'd',
      _self: { govern: [TEAM] },
      _constraints: { validIssuers: [ISS] },
    };
    expect(check([byTeam], 'd')).toThrow(BadRequestError);
    expect(check([byTeam], 'd', new Map([[TEAM, [MALLORY]]]))).toThrow(BadRequestError);
    expect(check([byTeam], 'd', new Map([[TEAM, [BOB]]]))).not.toThrow();
    const open = (entry: string, issuers: string[]): PermissionsDocument => ({
      _subject: 'd',
      _self: { govern: [entry] },
      _constraints: { validIssuers: issuers },
    });
    expect(check([open(`${ISS}#anyone`, [ISS])], 'd')).not.toThrow();
    expect(check([open(`${ISS}#anyone`, [OTHER_ISS])], 'd')).toThrow(BadRequestError);
    expect(check([open(ANYONE, [OTHER_ISS])], 'd')).not.toThrow();
  });
});

describe('planDeletion: a governor can always delete what he governs (issue 18.5)', () => {
  const docs: PermissionsDocument[] = [
    { _subject: '/', _self: { govern: [ALICE] } },
    { _subject: 'acme', _inheritsPermissionsOf: ['/'], _self: { govern: [ALICE] } },
    { _subject: 'mine', _inheritsPermissionsOf: ['acme'] },
    { _subject: 'mine/child', _inheritsPermissionsOf: ['mine'] },
    {
      _subject: 'squat',
      _inheritsPermissionsOf: ['acme'],
      _self: { govern: [BOB] },
      _constraints: { wideningForbidden: true },
    },
    { _subject: 'squat/child', _inheritsPermissionsOf: ['squat'] },
    {
      _subject: 'both',
      _inheritsPermissionsOf: ['mine', 'other'],
      _self: { govern: [BOB] },
      _constraints: { validIssuers: [OTHER_ISS] },
    },
    { _subject: 'other', _self: { govern: [BOB] } },
    { _subject: TEAM, _inheritsPermissionsOf: ['acme'] },
  ];
  const lookup = lookupOf(...docs);
  const heirs = ['mine', 'mine/child', 'squat', 'squat/child', 'both', TEAM];
  const alice = caller(ALICE);
  const governs = (subject: string) =>
    isAllowedByDocuments(lookup, subject, { action: 'govern' }, alice).allowed === true;

  test('heirs he governs go with it; others and team documents are detached, kept valid', () => {
    const plan = planDeletion(lookup, 'acme', heirs, governs);
    expect(plan.deleted).toEqual(['acme', 'mine', 'mine/child']);
    expect(Object.fromEntries(plan.detached.map((d) => [d.subject, d.document._inheritsPermissionsOf]))).toEqual({
      squat: [],
      both: ['other'],
      [TEAM]: ['/'],
    });
    for (const { document } of plan.detached) expect(() => validateDocument(document)).not.toThrow();
  });

  test('deleting / itself cannot leave an orphan without a governor', () => {
    const rooted = lookupOf(
      { _subject: '/', _self: { govern: [ALICE] } },
      { _subject: 'x', _inheritsPermissionsOf: ['/'], _constraints: { validIssuers: [] } },
    );
    expect(thrown(() => planDeletion(rooted, '/', ['x'], () => false))).toBeInstanceOf(ConflictError);
  });

  test('no document is left naming a deleted parent, for random graphs and governance', () => {
    const names = ['r', 'a', 'b', 'c', 'd', 'e'];
    const graphArb = fc.tuple(
      ...names.slice(1).map((subject, i) =>
        fc
          .record({
            parents: fc.uniqueArray(fc.constantFrom(...names.slice(0, i + 1)), { minLength: 1, maxLength: 3 }),
            governed: fc.boolean(),
            ownGovernor: fc.boolean(),
          })
          .map(({ parents, governed, ownGovernor }) => ({ subject, parents, governed, ownGovernor })),
      ),
    );
    fc.assert(
      fc.property(graphArb, (nodes) => {
        const all: PermissionsDocument[] = [
          { _subject: '/', _self: { govern: [ALICE] } },
          { _subject: 'r', _self: { govern: [ALICE] } },
          ...nodes.map((n) => ({
            _subject: n.subject,
            _inheritsPermissionsOf: n.parents,
            ...(n.ownGovernor ? { _self: { govern: [BOB] } } : {}),
          })),
        ];
        const graph: DocumentLookup = lookupOf(...all);
        const reached = new Set(['r']);
        for (const n of nodes) if (n.parents.some((p) => reached.has(p))) reached.add(n.subject);
        const transitive = nodes.map((n) => n.subject).filter((s) => reached.has(s));
        const governed = new Set(nodes.filter((n) => n.governed).map((n) => n.subject));
        const plan = planDeletion(graph, 'r', transitive, (s) => governed.has(s));
        const deleted = new Set(plan.deleted);
        const detached = new Map(plan.detached.map((d) => [d.subject, d.document]));
        for (const doc of all) {
          if (deleted.has(doc._subject)) continue;
          const after = detached.get(doc._subject) ?? doc;
          expect((after._inheritsPermissionsOf ?? []).filter((p) => deleted.has(p))).toEqual([]);
          expect(() => validateDocument(after)).not.toThrow();
        }
        for (const subject of deleted) if (subject !== 'r') expect(governed.has(subject)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});

describe('write bounds in validation (issue 18.12)', () => {
  const long = (bytes: number) => 'x'.repeat(bytes);

  test('subjects, parents and valid issuers longer than MAX_SUBJECT_BYTES are a 400 naming the bound', () => {
    const tooLong = `http://e.com/${long(MAX_SUBJECT_BYTES)}`;
    for (const doc of [
      { _subject: tooLong, _self: { govern: [ALICE] } },
      { _subject: 's', _inheritsPermissionsOf: [tooLong] },
      { _subject: 's', _self: { govern: [ALICE] }, _constraints: { validIssuers: [tooLong] } },
    ]) {
      const error = thrown(() => validateDocument(doc)) as BadRequestError;
      expect(error).toBeInstanceOf(BadRequestError);
      expect(error.message).toContain(String(MAX_SUBJECT_BYTES));
      expect(error.details).toMatchObject({ limit: MAX_SUBJECT_BYTES });
    }
    // bytes, not characters: 500 three-byte characters are 1 500 bytes
    expect(() => validateDocument({ _subject: '€'.repeat(500), _self: { govern: [ALICE] } })).toThrow(BadRequestError);
    expect(() => validateDocument({ _subject: long(MAX_SUBJECT_BYTES), _self: { govern: [ALICE] } })).not.toThrow();
  });

  test('principals too long or too many, parents too many, team members too long or too many', () => {
    const longPrincipal = `${ISS}#${long(MAX_PRINCIPAL_BYTES)}`;
    expect(() => validateDocument({ _subject: 's', _self: { govern: [longPrincipal] } })).toThrow(
      new RegExp(`limit of ${MAX_PRINCIPAL_BYTES}`),
    );
    expect(() =>
      validateDocument({ _subject: 's', _permissionsHeirs: { add: [longPrincipal] }, _self: { govern: [ALICE] } }),
    ).toThrow(BadRequestError);
    const many = Array.from({ length: MAX_PRINCIPALS_PER_DOCUMENT + 1 }, (_, i) => `${ISS}#u${i}`);
    expect(() => validateDocument({ _subject: 's', _self: { govern: [ALICE], read: many } })).toThrow(
      new RegExp(`limit of ${MAX_PRINCIPALS_PER_DOCUMENT}`),
    );
    expect(() => validateDocument({ _subject: 's', _self: { govern: [ALICE], read: many.slice(2) } })).not.toThrow();
    const parents = Array.from({ length: MAX_PARENTS_PER_DOCUMENT + 1 }, (_, i) => `p${i}`);
    expect(() => validateDocument({ _subject: 's', _inheritsPermissionsOf: parents })).toThrow(
      new RegExp(`limit of ${MAX_PARENTS_PER_DOCUMENT}`),
    );
    expect(() => validateTeam({ isA: 'Team', members: [longPrincipal] })).toThrow(BadRequestError);
    expect(() => validateTeam({ isA: 'Team', members: many })).toThrow(
      new RegExp(`limit of ${MAX_PRINCIPALS_PER_DOCUMENT}`),
    );
    expect(() =>
      validateTeam({ isA: 'Team', members: [], roles: { [`http://e.com/${long(MAX_SUBJECT_BYTES)}`]: {} } }),
    ).toThrow(BadRequestError);
  });
});

describe('isLeaving: a member may remove himself and nothing else (issue 18.10)', () => {
  const team: Team = {
    isA: 'Team',
    name: 'n',
    members: [ALICE, BOB, MALLORY],
    roles: { b: { '/': ['read'] } },
    creator: ALICE,
  };

  test('removing only himself, in any order of the rest, stamps aside', () => {
    expect(
      isLeaving(team, { isA: 'Team', name: 'n', members: [MALLORY, ALICE], roles: { b: { '/': ['read'] } } }, BOB),
    ).toBe(true);
  });

  test('anything more, or someone else, or not a member, is not leaving', () => {
    expect(isLeaving(team, { ...team, members: [ALICE] }, BOB)).toBe(false);
    expect(isLeaving(team, { ...team, members: [ALICE, MALLORY], name: 'mine now' }, BOB)).toBe(false);
    expect(isLeaving(team, { ...team, members: [ALICE, MALLORY], roles: {} }, BOB)).toBe(false);
    expect(isLeaving(team, { ...team, members: [ALICE, MALLORY, `${ISS}#new`] }, BOB)).toBe(false);
    expect(isLeaving(team, { ...team, members: [BOB, MALLORY] }, BOB)).toBe(false);
    expect(isLeaving(team, team, BOB)).toBe(false);
    expect(isLeaving(team, { ...team, members: [ALICE, BOB, MALLORY] }, `${ISS}#stranger`)).toBe(false);
    expect(isLeaving(team, { ...team, members: [ALICE, MALLORY] }, null)).toBe(false);
  });
});
