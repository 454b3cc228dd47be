import { BadRequestError, MAX_DOCUMENT_BYTES, documentSize, validateDocument } from '../src';
import { ALICE, BOB } from './fixtures';

function rejection(input: unknown): BadRequestError {
  try {
    validateDocument(input);
  } catch (error) {
    expect(error).toBeInstanceOf(BadRequestError);
    return error as BadRequestError;
  }
  throw new Error('expected validateDocument to throw');
}

describe('validateDocument', () => {
  test('normalises a full document: wraps a string parent, removes duplicates, keeps custom data', () => {
    const input = {
      _subject: 'http://apigee.com/o/acme',
      _inheritsPermissionsOf: 'http://apigee.com/o',
      _self: { read: [ALICE, ALICE, BOB], govern: [ALICE] },
      _permissionsHeirs: { add: [BOB, BOB] },
      keyvaluemaps: { read: [BOB, ALICE, BOB] },
      _constraints: { validIssuers: ['https://a', 'https://a'], wideningForbidden: true },
      'test-data': true,
      tags: ['x', 'x'],
    };
    expect(validateDocument(input)).toEqual({
      _subject: 'http://apigee.com/o/acme',
      _inheritsPermissionsOf: ['http://apigee.com/o'],
      _self: { read: [ALICE, BOB], govern: [ALICE], admin: [ALICE] },
      _permissionsHeirs: { add: [BOB] },
      keyvaluemaps: { read: [BOB, ALICE] },
      _constraints: { validIssuers: ['https://a'], wideningForbidden: true },
      'test-data': true,
      tags: ['x', 'x'],
    });
  });

  test('does not modify its input and returns independent lists', () => {
    const input = { _subject: 's', _self: { govern: [ALICE, ALICE] } };
    const doc = validateDocument(input);
    expect(input).toEqual({ _subject: 's', _self: { govern: [ALICE, ALICE] } });
    (doc._self!.admin as string[]).push(BOB);
    expect(doc._self!.govern).toEqual([ALICE]);
  });

  test('admin defaults to a copy of govern only when absent', () => {
    expect(validateDocument({ _subject: 's', _self: { govern: [ALICE], admin: [BOB] } })._self).toEqual({
      govern: [ALICE],
      admin: [BOB],
    });
    expect(validateDocument({ _subject: 's', _inheritsPermissionsOf: ['p'], _self: { read: [BOB] } })._self).toEqual({
      read: [BOB],
    });
  });

  test('array parents are de-duplicated, in order', () => {
    expect(validateDocument({ _subject: 's', _inheritsPermissionsOf: ['b', 'a', 'b'] })._inheritsPermissionsOf).toEqual(
      ['b', 'a'],
    );
  });

  test('discards client-sent _metadata', () => {
    const doc = validateDocument({ _subject: 's', _self: { govern: [ALICE] }, _metadata: { creator: 'forged' } });
    expect(Object.keys(doc)).toEqual(['_subject', '_self']);
  });

  test('a __proto__ member is refused and changes no prototype', () => {
    const input = JSON.parse('{"_subject":"s","_self":{"govern":["x"]},"__proto__":{"polluted":["x"]}}') as unknown;
    expect(() => validateDocument(input)).toThrow(
      'invalid JSON: the permissions document may not use the reserved member name "__proto__" (at __proto__)',
    );
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  test.each([
    ['a non-object body', [], 'invalid JSON: a permissions document must be a JSON object'],
    ['null', null, 'invalid JSON: a permissions document must be a JSON object'],
    ['a missing _subject', { _self: { govern: [ALICE] } }, 'invalid JSON: "_subject" property not set'],
    ['a null _subject', { _subject: null, _self: { govern: [ALICE] } }, 'invalid JSON: "_subject" property not set'],
    [
      'a non-string _subject',
      { _subject: 3, _self: { govern: [ALICE] } },
      'invalid JSON: "_subject" property must be a non-empty string',
    ],
    [
      'a numeric parent',
      { _subject: 's', _inheritsPermissionsOf: 5 },
      'invalid JSON: "_inheritsPermissionsOf" must be a non-empty string or an array of non-empty strings',
    ],
    [
      'a parent list with a number',
      { _subject: 's', _inheritsPermissionsOf: ['p', 1] },
      'invalid JSON: "_inheritsPermissionsOf" must be a non-empty string or an array of non-empty strings',
    ],
    [
      'inheriting from self',
      { _subject: 's', _inheritsPermissionsOf: ['p', 's'] },
      'may not inherit permissions from self',
    ],
    [
      'no governor and no parent',
      { _subject: 's', _self: { read: [ALICE] } },
      'permissions for s must specify inheritance or at least one governor',
    ],
    [
      'an empty governor list',
      { _subject: 's', _self: { govern: [] } },
      'permissions for s must specify inheritance or at least one governor',
    ],
    [
      'an empty parent list',
      { _subject: 's', _inheritsPermissionsOf: [] },
      'permissions for s must specify inheritance or at least one governor',
    ],
    [
      'a non-object _self',
      { _subject: 's', _self: ['x'] },
      'invalid JSON: "_self" must be an object mapping actions to arrays of principals',
    ],
    [
      'a string action list in _self',
      { _subject: 's', _self: { govern: ALICE } },
      'invalid JSON: "_self.govern" must be an array of strings (principals)',
    ],
    [
      'a non-string principal in _permissionsHeirs',
      { _subject: 's', _inheritsPermissionsOf: 'p', _permissionsHeirs: { add: [1] } },
      'invalid JSON: "_permissionsHeirs.add" must be an array of strings (principals)',
    ],
    [
      'a custom action map with a non-array',
      { _subject: 's', _inheritsPermissionsOf: 'p', keyvaluemaps: { read: { x: 1 } } },
      'invalid JSON: "keyvaluemaps.read" must be an array of strings (principals)',
    ],
    [
      'non-object _constraints',
      { _subject: 's', _inheritsPermissionsOf: 'p', _constraints: true },
      'invalid JSON: "_constraints" must be an object',
    ],
    [
      'validIssuers not an array',
      { _subject: 's', _inheritsPermissionsOf: 'p', _constraints: { validIssuers: 'https://a' } },
      'invalid JSON: "_constraints.validIssuers" must be an array of strings',
    ],
    [
      'wideningForbidden not a boolean',
      { _subject: 's', _inheritsPermissionsOf: 'p', _constraints: { wideningForbidden: 'yes' } },
      'invalid JSON: "_constraints.wideningForbidden" must be a boolean',
    ],
    [
      'a misspelt constraint',
      { _subject: 's', _inheritsPermissionsOf: 'p', _constraints: { wideningForbiden: true } },
      'invalid JSON: unknown constraint "_constraints.wideningForbiden" (allowed: validIssuers, wideningForbidden)',
    ],
  ])('rejects %s with a precise message', (_name, input, message) => {
    expect(rejection(input).message).toBe(message);
  });

  test('rejects a document larger than MAX_DOCUMENT_BYTES, accepts one just under', () => {
    const base = { _subject: 's', _self: { govern: [ALICE] }, blob: '' };
    const room = MAX_DOCUMENT_BYTES - documentSize(validateDocument(base));
    expect(documentSize(validateDocument({ ...base, blob: 'x'.repeat(room) }))).toBe(MAX_DOCUMENT_BYTES);
    const error = rejection({ ...base, blob: 'x'.repeat(room + 1) });
    expect(error.message).toBe('permissions document for s is 100001 bytes of JSON, more than the limit of 100000');
    expect(error).toBeInstanceOf(BadRequestError);
  });

  test('documentSize counts UTF-8 bytes', () => {
    expect(documentSize('é')).toBe(4); // two quotes + two bytes
  });
});
