import { ANYONE, INCOGNITO, documentOpinion, explainOpinion, type PermissionsDocument } from '../src';
import { ALICE, BOB, ISS, MALLORY, OTHER_ISS, TEAM, caller } from './fixtures';

function doc(read: string[], constraints?: PermissionsDocument['_constraints']): PermissionsDocument {
  return constraints === undefined
    ? { _subject: 's', _self: { read } }
    : { _subject: 's', _self: { read }, _constraints: constraints };
}

describe('documentOpinion (reference §6.2)', () => {
  test('INCOGNITO grants everyone, including a request with no user', () => {
    expect(documentOpinion(doc([INCOGNITO]), '_self', 'read', caller(ALICE))).toBe(true);
    expect(documentOpinion(doc([INCOGNITO]), '_self', 'read', caller(null))).toBe(true);
  });

  test('ANYONE grants every authenticated principal but not a request with no user (fix)', () => {
    expect(documentOpinion(doc([ANYONE]), '_self', 'read', caller(MALLORY))).toBe(true);
    expect(documentOpinion(doc([ANYONE]), '_self', 'read', caller(null))).toBeNull();
  });

  test('{issuer}#anyone grants exactly the principals of that issuer', () => {
    const list = [`${ISS}#anyone`];
    expect(documentOpinion(doc(list), '_self', 'read', caller(ALICE))).toBe(true);
    expect(documentOpinion(doc(list), '_self', 'read', caller(MALLORY))).toBeNull();
    expect(documentOpinion(doc(list), '_self', 'read', caller(null))).toBeNull();
  });

  test('the issuer is the part before the LAST #', () => {
    const odd = `${ISS}#team#42`;
    expect(documentOpinion(doc([`${ISS}#team#anyone`]), '_self', 'read', caller(odd))).toBe(true);
    expect(documentOpinion(doc([`${ISS}#anyone`]), '_self', 'read', caller(odd))).toBeNull();
  });

  test('W11: an issuer wildcard listed first does not grant to everybody', () => {
    expect(documentOpinion(doc([`${OTHER_ISS}#anyone`, BOB]), '_self', 'read', caller(ALICE))).toBeNull();
  });

  test('the principal or one of its teams grants', () => {
    expect(documentOpinion(doc([ALICE]), '_self', 'read', caller(ALICE))).toBe(true);
    expect(documentOpinion(doc([TEAM]), '_self', 'read', caller(BOB, [TEAM]))).toBe(true);
    expect(documentOpinion(doc([TEAM]), '_self', 'read', caller(BOB))).toBeNull();
    // teams of a request without a user do not count (actors are [])
    expect(documentOpinion(doc([TEAM]), '_self', 'read', caller(null, [TEAM]))).toBeNull();
  });

  test('W11: an empty list neither crashes nor grants', () => {
    expect(documentOpinion(doc([]), '_self', 'read', caller(ALICE))).toBeNull();
    expect(documentOpinion(doc([], { wideningForbidden: true }), '_self', 'read', caller(ALICE))).toBe(false);
  });

  test('validIssuers vetoes other issuers and a request with no user, even when listed', () => {
    const restricted = doc([INCOGNITO, MALLORY], { validIssuers: [ISS] });
    expect(documentOpinion(restricted, '_self', 'read', caller(ALICE))).toBe(true);
    expect(explainOpinion(restricted, '_self', 'read', caller(MALLORY))).toEqual({
      allowed: false,
      because: 'validIssuers',
    });
    expect(documentOpinion(restricted, '_self', 'read', caller(null))).toBe(false);
    expect(documentOpinion(doc([ALICE], { validIssuers: [] }), '_self', 'read', caller(ALICE))).toBe(false);
  });

  test('wideningForbidden vetoes only what it does not grant', () => {
    const narrow = doc([ALICE], { wideningForbidden: true });
    expect(explainOpinion(narrow, '_self', 'read', caller(ALICE))).toEqual({
      allowed: true,
      because: 'grant',
      entry: ALICE,
    });
    expect(explainOpinion(narrow, '_self', 'read', caller(BOB))).toEqual({
      allowed: false,
      because: 'wideningForbidden',
    });
    expect(documentOpinion(narrow, '_self', 'delete', caller(ALICE))).toBe(false);
    expect(documentOpinion(doc([ALICE], { wideningForbidden: false }), '_self', 'delete', caller(ALICE))).toBeNull();
  });

  test('missing property, missing action, inherited names and non-action-map properties have no opinion', () => {
    const d: PermissionsDocument = {
      _subject: 's',
      _self: { read: [ALICE] },
      _metadata: { sharedWith: [ALICE] },
      notes: 'text',
    };
    expect(documentOpinion(d, 'keyvaluemaps', 'read', caller(ALICE))).toBeNull();
    expect(documentOpinion(d, '_self', 'update', caller(ALICE))).toBeNull();
    expect(documentOpinion(d, '_self', 'constructor', caller(ALICE))).toBeNull();
    expect(documentOpinion(d, '_metadata', 'sharedWith', caller(ALICE))).toBeNull();
    expect(documentOpinion(d, 'notes', 'length', caller(ALICE))).toBeNull();
  });
});
