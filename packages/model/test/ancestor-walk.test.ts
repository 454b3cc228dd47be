import { isAllowedByDocuments, reachableDocuments } from '../src';
import { ALICE, BOB, ISS, MALLORY, caller, lookupOf } from './fixtures';

const read = { action: 'read' };

describe('isAllowedByDocuments (reference §6.3)', () => {
  test('a grant on an ancestor is inherited; scopes list every visited document, subject first', () => {
    const lookup = lookupOf(
      { _subject: 'child', _inheritsPermissionsOf: ['parent'] },
      { _subject: 'parent', _inheritsPermissionsOf: ['root'] },
      { _subject: 'root', _self: { read: [ALICE], govern: [ALICE] } },
    );
    expect(isAllowedByDocuments(lookup, 'child', read, caller(ALICE))).toEqual({
      allowed: true,
      scopes: ['child', 'parent', 'root'],
      decidedBy: [{ subject: 'root', allowed: true, because: 'grant', entry: ALICE }],
      missing: [],
    });
    expect(isAllowedByDocuments(lookup, 'child', read, caller(BOB)).allowed).toBeNull();
  });

  test('the default property is _self; another property is evaluated on its own map', () => {
    const lookup = lookupOf({ _subject: 's', _self: { read: [BOB], govern: [BOB] }, kvm: { read: [ALICE] } });
    expect(isAllowedByDocuments(lookup, 's', read, caller(ALICE)).allowed).toBeNull();
    expect(isAllowedByDocuments(lookup, 's', { property: 'kvm', action: 'read' }, caller(ALICE)).allowed).toBe(true);
  });

  test('a wideningForbidden ancestor that does not grant cancels a grant of the child', () => {
    const lookup = lookupOf(
      { _subject: 'child', _inheritsPermissionsOf: ['org'], _self: { read: [ALICE], delete: [ALICE] } },
      { _subject: 'org', _self: { read: [ALICE], govern: [BOB] }, _constraints: { wideningForbidden: true } },
    );
    expect(isAllowedByDocuments(lookup, 'child', read, caller(ALICE)).allowed).toBe(true);
    const del = isAllowedByDocuments(lookup, 'child', { action: 'delete' }, caller(ALICE));
    expect(del.allowed).toBe(false);
    expect(del.decidedBy).toEqual([
      { subject: 'child', allowed: true, because: 'grant', entry: ALICE },
      { subject: 'org', allowed: false, because: 'wideningForbidden' },
    ]);
  });

  test('an ancestor whose validIssuers excludes the caller vetoes a grant of the child', () => {
    const lookup = lookupOf(
      { _subject: 'child', _inheritsPermissionsOf: ['org'], _self: { read: [MALLORY, ALICE] } },
      { _subject: 'org', _self: { govern: [BOB] }, _constraints: { validIssuers: [ISS] } },
    );
    expect(isAllowedByDocuments(lookup, 'child', read, caller(MALLORY)).allowed).toBe(false);
    expect(isAllowedByDocuments(lookup, 'child', read, caller(ALICE)).allowed).toBe(true);
    expect(isAllowedByDocuments(lookup, 'child', read, caller(null)).allowed).toBe(false);
  });

  test('a missing parent contributes nothing and the walk continues through the others (fix of §6.3)', () => {
    const lookup = lookupOf(
      { _subject: 'child', _inheritsPermissionsOf: ['gone', 'kept'] },
      { _subject: 'kept', _self: { read: [ALICE], govern: [ALICE] } },
    );
    expect(isAllowedByDocuments(lookup, 'child', read, caller(ALICE))).toEqual({
      allowed: true,
      scopes: ['child', 'kept'],
      decidedBy: [{ subject: 'kept', allowed: true, because: 'grant', entry: ALICE }],
      missing: ['gone'],
    });
  });

  test('a subject without a document answers null with no scopes, whatever documents exist elsewhere', () => {
    const lookup = lookupOf({ _subject: 'other', _self: { read: [ALICE], govern: [ALICE] } });
    expect(isAllowedByDocuments(lookup, 'nothing', read, caller(ALICE))).toEqual({
      allowed: null,
      scopes: [],
      decidedBy: [],
      missing: ['nothing'],
    });
  });

  test('a diamond visits the shared ancestor once', () => {
    const lookup = lookupOf(
      { _subject: 'c', _inheritsPermissionsOf: ['l', 'r'] },
      { _subject: 'l', _inheritsPermissionsOf: ['top'] },
      { _subject: 'r', _inheritsPermissionsOf: ['top'] },
      { _subject: 'top', _self: { read: [ALICE], govern: [ALICE] } },
    );
    const answer = isAllowedByDocuments(lookup, 'c', read, caller(ALICE));
    expect(answer.scopes).toEqual(['c', 'l', 'top', 'r']);
    expect(answer.decidedBy).toHaveLength(1);
  });

  test('a cycle terminates and each member is evaluated once', () => {
    let calls = 0;
    const inner = lookupOf(
      { _subject: 'a', _inheritsPermissionsOf: ['b'] },
      { _subject: 'b', _inheritsPermissionsOf: ['c'] },
      { _subject: 'c', _inheritsPermissionsOf: ['a', 'b'], _self: { read: [ALICE] } },
    );
    const lookup = (subject: string) => (calls++, inner(subject));
    const answer = isAllowedByDocuments(lookup, 'a', read, caller(ALICE));
    expect(answer.allowed).toBe(true);
    expect(answer.scopes).toEqual(['a', 'b', 'c']);
    expect(calls).toBe(3);
  });

  test('a document that only inherits from itself through data that skipped validation still terminates', () => {
    const lookup = lookupOf({ _subject: 'x', _inheritsPermissionsOf: 'x' as unknown as string[] });
    expect(isAllowedByDocuments(lookup, 'x', read, caller(ALICE))).toEqual({
      allowed: null,
      scopes: ['x'],
      decidedBy: [],
      missing: [],
    });
  });

  test('a very deep chain does not overflow the stack', () => {
    const docs = Array.from({ length: 20_000 }, (_, i) => ({
      _subject: `d${i}`,
      _inheritsPermissionsOf: [`d${i + 1}`],
    }));
    const lookup = lookupOf(...docs, { _subject: 'd20000', _self: { read: [ALICE] } });
    expect(isAllowedByDocuments(lookup, 'd0', read, caller(ALICE)).allowed).toBe(true);
  });
});

describe('reachableDocuments', () => {
  test('walks from several starts, depth first in declared order, reporting missing subjects', () => {
    const lookup = lookupOf(
      { _subject: 'a', _inheritsPermissionsOf: ['x', 'b'] },
      { _subject: 'b', _inheritsPermissionsOf: ['a'] },
      { _subject: 'c' },
    );
    const reached = reachableDocuments(lookup, ['a', 'c', 'b', 'y']);
    expect(reached.documents.map((visited) => visited.subject)).toEqual(['a', 'b', 'c']);
    expect(reached.missing).toEqual(['x', 'y']);
  });
});
