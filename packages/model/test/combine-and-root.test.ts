import {
  ANYONE,
  anyAllowed,
  combineAll,
  isAllowedByDocuments,
  rootDocument,
  validateDocument,
  type Answer,
} from '../src';
import { ALICE, BOB, caller, lookupOf } from './fixtures';

describe('combineAll (CONTRACT §3: three-valued AND, independent of order)', () => {
  test.each<[Answer[], Answer]>([
    [[], null],
    [[true], true],
    [[true, true], true],
    [[true, null], null],
    // the original's `allowed && answer` answered null here and false for [false, null]
    [[null, false], false],
    [[false, null], false],
    [[true, false, true], false],
    [[null, true], null],
  ])('%j → %j', (answers, expected) => expect(combineAll(answers)).toBe(expected));
});

describe('anyAllowed', () => {
  test.each<[Answer[], Answer]>([
    [[], null],
    [[false, true], true],
    [[null, true], true],
    [[false, null], null],
    [[false, false], false],
  ])('%j → %j', (answers, expected) => expect(anyAllowed(answers)).toBe(expected));
});

describe('rootDocument (W6: seeded from configuration)', () => {
  test('governors govern, anyone may create and inherit, clients may read on behalf of users', () => {
    expect(rootDocument([ALICE, ALICE], ['https://iss#client'])).toEqual({
      _subject: '/',
      _self: { read: [ALICE], update: [ALICE], admin: [ALICE], govern: [ALICE] },
      _permissionsHeirs: { add: [ANYONE], read: [ALICE], remove: [ALICE] },
      'az-permissions': { create: [ANYONE], read: [ALICE, 'https://iss#client'] },
      'az-teams': { create: [ANYONE], read: [ALICE] },
    });
  });

  test('is a valid document and does not let everybody govern', () => {
    const root = rootDocument([ALICE]);
    expect(validateDocument(root)).toEqual(root);
    const lookup = lookupOf(root);
    expect(isAllowedByDocuments(lookup, '/', { action: 'govern' }, caller(BOB)).allowed).toBeNull();
    expect(isAllowedByDocuments(lookup, '/', { property: 'az-teams', action: 'create' }, caller(BOB)).allowed).toBe(
      true,
    );
  });

  test('refuses an empty or wildcard governor list', () => {
    expect(() => rootDocument([])).toThrow('the root document needs at least one governor (BOOTSTRAP_GOVERNORS)');
    expect(() => rootDocument([ANYONE])).toThrow(/may not govern the root document/);
    expect(() => rootDocument([ALICE], ['https://iss#anyone'])).toThrow(/may not govern the root document/);
  });
});
