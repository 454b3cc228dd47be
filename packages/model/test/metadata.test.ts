import { ANYONE, buildMetadata, mapPrincipals, principalsToNormalise, validateDocument } from '../src';
import { ALICE, BOB, TEAM } from './fixtures';

const doc = validateDocument({
  _subject: 's',
  _self: { read: [BOB, TEAM, ANYONE], govern: [ALICE] },
  _permissionsHeirs: { add: ['https://iss#carol@example.com'] },
  keyvaluemaps: { read: [BOB, 'https://iss#dave@example.com'] },
  _constraints: { validIssuers: ['https://not-a-principal'] },
  'test-data': true,
  other: 'x',
});

describe('principalsToNormalise', () => {
  test('lists the distinct principals of _self, _permissionsHeirs and custom action maps only', () => {
    expect(principalsToNormalise(doc)).toEqual([
      BOB,
      TEAM,
      ANYONE,
      ALICE,
      'https://iss#carol@example.com',
      'https://iss#dave@example.com',
    ]);
  });
});

describe('mapPrincipals', () => {
  test('replaces every principal, de-duplicates, copies and leaves other members alone', () => {
    const ids: Record<string, string> = { 'https://iss#carol@example.com': BOB, 'https://iss#dave@example.com': BOB };
    const mapped = mapPrincipals(doc, (principal) => ids[principal] ?? principal);
    expect(mapped._permissionsHeirs).toEqual({ add: [BOB] });
    expect(mapped.keyvaluemaps).toEqual({ read: [BOB] });
    expect(mapped._constraints).toEqual({ validIssuers: ['https://not-a-principal'] });
    expect(doc.keyvaluemaps).toEqual({ read: [BOB, 'https://iss#dave@example.com'] });
  });
});

describe('buildMetadata', () => {
  test('on create: creator, created and sorted distinct sharedWith', () => {
    expect(
      buildMetadata(doc, undefined, { principal: ALICE, now: '2024-01-01T00:00:00.000Z', isCreate: true }),
    ).toEqual({
      creator: ALICE,
      created: '2024-01-01T00:00:00.000Z',
      sharedWith: [ALICE, BOB, TEAM, ANYONE].sort(),
    });
  });

  test('on update keeps creator and created from the previous metadata (B11) and sets modifier/modified', () => {
    const previous = { creator: ALICE, created: 'T0', modifier: 'x', modified: 'T1', sharedWith: ['old'] };
    expect(buildMetadata(doc, previous, { principal: BOB, now: 'T2', isCreate: false })).toEqual({
      creator: ALICE,
      created: 'T0',
      modifier: BOB,
      modified: 'T2',
      sharedWith: [ALICE, BOB, TEAM, ANYONE].sort(),
    });
  });

  test('a client without a user is not recorded as creator; no _self → empty sharedWith', () => {
    const bare = validateDocument({ _subject: 't', _inheritsPermissionsOf: 's' });
    expect(buildMetadata(bare, undefined, { principal: null, now: 'T', isCreate: true })).toEqual({
      created: 'T',
      sharedWith: [],
    });
  });
});
