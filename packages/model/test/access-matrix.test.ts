import fc from 'fast-check';
import { ANYONE, INCOGNITO, accessMatrix, isAllowedByDocuments, type PermissionsDocument } from '../src';
import { ALICE, BOB, ISS, MALLORY, OTHER_ISS, TEAM, caller, lookupOf } from './fixtures';

const cellsOf = (matrix: ReturnType<typeof accessMatrix>, principal: string) => {
  const row = matrix.rows.find((r) => r.principal === principal);
  if (!row) throw new Error(`no row for ${principal}`);
  return Object.fromEntries(Object.entries(row.cells).map(([action, cell]) => [action, cell.allowed]));
};

describe('accessMatrix: who can access a resource, from the documents of its chain', () => {
  test('lists every principal named on the chain, with inherited grants, usual actions first', () => {
    const lookup = lookupOf(
      { _subject: 'c', _inheritsPermissionsOf: ['p'], _self: { read: [BOB], zap: [ALICE] } },
      { _subject: 'p', _self: { govern: [ALICE], admin: [ALICE], read: [`${ISS}#anyone`] } },
    );
    const matrix = accessMatrix(lookup, 'c');
    expect(matrix.actions).toEqual(['read', 'admin', 'govern', 'zap']);
    expect(matrix.chain).toEqual(['c', 'p']);
    expect(matrix.rows.map((r) => [r.principal, r.kind])).toEqual([
      [`${ISS}#anyone`, 'issuerWildcard'],
      [ALICE, 'user'],
      [BOB, 'user'],
    ]);
    expect(cellsOf(matrix, ALICE)).toEqual({ read: true, admin: true, govern: true, zap: true });
    expect(cellsOf(matrix, BOB)).toEqual({ read: true, admin: null, govern: null, zap: null });
    expect(cellsOf(matrix, `${ISS}#anyone`)).toEqual({ read: true, admin: null, govern: null, zap: null });
    const read = matrix.rows.find((r) => r.principal === ALICE)!.cells.read;
    expect(read.decidedBy).toEqual([{ allowed: true, because: 'grant', entry: `${ISS}#anyone`, subject: 'p' }]);
  });

  test('members of a team named on the chain get rows through the team', () => {
    const lookup = lookupOf({ _subject: 'r', _self: { govern: [ALICE], read: [TEAM] } });
    const matrix = accessMatrix(lookup, 'r', { teamMembers: { [TEAM]: [BOB] } });
    const bob = matrix.rows.find((r) => r.principal === BOB)!;
    expect(bob).toMatchObject({ kind: 'user', teams: [TEAM], named: false });
    expect(bob.cells.read.allowed).toBe(true);
    expect(bob.cells.read.decidedBy[0]).toMatchObject({ entry: TEAM, subject: 'r' });
    expect(cellsOf(matrix, TEAM)).toEqual({ read: true, govern: null });
  });

  test('incognito means a request without a user: everyone else matches it, it matches nothing else', () => {
    const lookup = lookupOf({ _subject: 'r', _self: { govern: [ALICE], read: [INCOGNITO], list: [ANYONE] } });
    const matrix = accessMatrix(lookup, 'r');
    expect(cellsOf(matrix, INCOGNITO)).toEqual({ read: true, govern: null, list: null });
    expect(cellsOf(matrix, ANYONE)).toEqual({ read: true, govern: null, list: true });
    expect(cellsOf(matrix, ALICE)).toEqual({ read: true, govern: true, list: true });
  });

  test('vetoes: wideningForbidden and validIssuers say no to a user; for a team they are a restriction', () => {
    const lookup = lookupOf(
      { _subject: 'c', _inheritsPermissionsOf: ['org'], _self: { read: [MALLORY, TEAM], delete: [ALICE] } },
      {
        _subject: 'org',
        _self: { govern: [ALICE], read: [ALICE, TEAM] },
        _constraints: { validIssuers: [ISS], wideningForbidden: true },
      },
    );
    const matrix = accessMatrix(lookup, 'c', { teamMembers: { [TEAM]: [] } });
    expect(cellsOf(matrix, MALLORY).read).toBe(false);
    expect(matrix.rows.find((r) => r.principal === MALLORY)!.cells.read.decidedBy).toContainEqual({
      allowed: false,
      because: 'validIssuers',
      subject: 'org',
    });
    expect(cellsOf(matrix, ALICE)).toMatchObject({ read: true, delete: false });
    const team = matrix.rows.find((r) => r.principal === TEAM)!;
    expect(team.cells.read).toMatchObject({ allowed: true, onlyIssuers: [[ISS]] });
    expect(team.cells.delete.allowed).toBe(false);
  });

  test('a property other than _self is read from its own action maps', () => {
    const lookup = lookupOf({ _subject: 'r', _self: { govern: [ALICE] }, keyvaluemaps: { create: [BOB] } });
    const matrix = accessMatrix(lookup, 'r', { property: 'keyvaluemaps' });
    expect(matrix.actions).toEqual(['create']);
    expect(matrix.rows.map((r) => r.principal)).toEqual([BOB]);
  });

  test('a missing parent is reported and the rest of the chain still counts', () => {
    const lookup = lookupOf(
      { _subject: 'c', _inheritsPermissionsOf: ['gone', 'p'] },
      { _subject: 'p', _self: { govern: [ALICE] } },
    );
    const matrix = accessMatrix(lookup, 'c');
    expect(matrix.missing).toEqual(['gone']);
    expect(cellsOf(matrix, ALICE)).toEqual({ govern: true });
  });

  test('property: a user row always agrees with the engine answering that user (teams included)', () => {
    const principal = fc.constantFrom(
      ALICE,
      BOB,
      MALLORY,
      TEAM,
      ANYONE,
      INCOGNITO,
      `${ISS}#anyone`,
      `${OTHER_ISS}#anyone`,
    );
    const actionMap = fc.dictionary(
      fc.constantFrom('read', 'update', 'govern'),
      fc.uniqueArray(principal, { maxLength: 3 }),
    );
    const constraints = fc.record(
      { validIssuers: fc.subarray([ISS, OTHER_ISS]), wideningForbidden: fc.boolean() },
      { requiredKeys: [] },
    );
    const docs = fc.tuple(
      fc.record({ _self: actionMap, _constraints: constraints }, { requiredKeys: ['_self'] }),
      fc.record({ _self: actionMap, _constraints: constraints }, { requiredKeys: ['_self'] }),
      fc.boolean(),
    );
    fc.assert(
      fc.property(docs, fc.subarray([ALICE, BOB, MALLORY]), ([child, parent, inherits], members) => {
        const c = {
          _subject: 'c',
          ...child,
          ...(inherits ? { _inheritsPermissionsOf: ['p'] } : {}),
        } as PermissionsDocument;
        const lookup = lookupOf(c, { _subject: 'p', ...parent } as PermissionsDocument);
        const matrix = accessMatrix(lookup, 'c', { teamMembers: { [TEAM]: members } });
        for (const row of matrix.rows.filter((r) => r.kind === 'user')) {
          for (const action of matrix.actions) {
            const expected = isAllowedByDocuments(lookup, 'c', { action }, caller(row.principal, row.teams)).allowed;
            expect(row.cells[action].allowed).toBe(expected);
          }
          expect(row.teams).toEqual(
            members.includes(row.principal) && matrix.rows.some((r) => r.principal === TEAM) ? [TEAM] : [],
          );
        }
      }),
    );
  });
});
