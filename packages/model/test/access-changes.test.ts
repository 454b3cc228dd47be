import { ANYONE, accessChanges, type PermissionsDocument } from '../src';
import { ALICE, BOB, ISS, MALLORY, TEAM, lookupOf } from './fixtures';

const plain = (value: unknown) => JSON.parse(JSON.stringify(value)) as unknown;

describe('accessChanges: who gains and who loses what (the PATCH dry run)', () => {
  const parent: PermissionsDocument = {
    _subject: '/p',
    _self: { govern: [ALICE], read: [BOB] },
    _permissionsHeirs: { add: [ALICE] },
  };
  const child: PermissionsDocument = { _subject: '/p/c', _inheritsPermissionsOf: ['/p'], _self: { update: [TEAM] } };

  test('a grant added and one removed, on the document and, through inheritance, on its heir', () => {
    const changed = { ...parent, _self: { govern: [ALICE], read: [MALLORY], delete: [ANYONE] } };
    const before = lookupOf(parent, child);
    const after = lookupOf(changed, child);
    // every principal named on the chain is asked: the wildcard's grant reaches alice and bob too
    const expected = {
      gains: {
        [ANYONE]: { _self: ['delete'] },
        [ALICE]: { _self: ['delete'] },
        [BOB]: { _self: ['delete'] },
        [MALLORY]: { _self: ['delete', 'read'] },
      },
      losses: { [BOB]: { _self: ['read'] } },
    };
    expect(plain(accessChanges(before, after, '/p'))).toEqual(expected);
    // the heir inherits the same changes (the team it names gains delete through the wildcard as well)
    expect(plain(accessChanges(before, after, '/p/c'))).toEqual({
      ...expected,
      gains: { ...expected.gains, [TEAM]: { _self: ['delete'] } },
    });
  });

  test('a veto: wideningForbidden takes away what it does not grant', () => {
    const vetoing = { ...parent, _constraints: { wideningForbidden: true } };
    const vetoed = accessChanges(lookupOf(parent, child), lookupOf(vetoing, child), '/p/c');
    expect(plain(vetoed)).toEqual({ gains: {}, losses: { [TEAM]: { _self: ['update'] } } });
  });

  test('a new parent: the heir gains what the parent grants, in other properties too', () => {
    const other: PermissionsDocument = {
      _subject: '/q',
      _self: { govern: [BOB] },
      keyvaluemaps: { read: [`${ISS}#anyone`] },
    };
    const moved = { ...child, _inheritsPermissionsOf: ['/p', '/q'] };
    expect(plain(accessChanges(lookupOf(parent, child, other), lookupOf(parent, moved, other), '/p/c'))).toEqual({
      // everyone named on the chain is asked about every property: alice and bob are of that issuer
      gains: {
        [ALICE]: { keyvaluemaps: ['read'] },
        [`${ISS}#anyone`]: { keyvaluemaps: ['read'] },
        [BOB]: { _self: ['govern'], keyvaluemaps: ['read'] },
      },
      losses: {},
    });
  });

  test('no change, no gains and no losses', () => {
    const lookup = lookupOf(parent, child);
    expect(plain(accessChanges(lookup, lookup, '/p/c'))).toEqual({ gains: {}, losses: {} });
  });
});
