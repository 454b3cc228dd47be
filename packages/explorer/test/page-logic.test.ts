import fc from 'fast-check';
import { isEmptyPatch, mergePatchBetween, nullsIn } from '../page/merge-patch';
import { isExpired, readToken, TokenError } from '../page/token';

/** RFC 7386 applied, to check that the patch the editor sends turns the stored document into the edited one. */
function applyMergePatch(target: unknown, patch: unknown): unknown {
  if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) return patch;
  const result: Record<string, unknown> = {};
  if (typeof target === 'object' && target !== null && !Array.isArray(target)) {
    for (const [key, value] of Object.entries(target)) {
      Object.defineProperty(result, key, { value, enumerable: true, writable: true, configurable: true });
    }
  }
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else {
      const old = Object.prototype.hasOwnProperty.call(result, key) ? result[key] : undefined;
      Object.defineProperty(result, key, {
        value: applyMergePatch(old, value),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
  }
  return result;
}

describe('the editor saves a merge patch', () => {
  test('removed members become null, changed lists are replaced, unchanged members are not sent', () => {
    const before = { _subject: 's', _self: { read: ['a'], govern: ['g'] }, note: 'x', gone: 1 };
    const after = { _subject: 's', _self: { read: ['a', 'b'], govern: ['g'] }, note: 'x' };
    expect(mergePatchBetween(before, after)).toEqual({ _self: { read: ['a', 'b'] }, gone: null });
    expect(isEmptyPatch(mergePatchBetween(before, before))).toBe(true);
  });

  test('property: applying the patch to the stored document gives the edited one (nulls aside)', () => {
    const json = fc.jsonValue().filter((v) => nullsIn({ v }).length === 0);
    const doc = fc.dictionary(fc.constantFrom('_self', 'a', 'b', '__proto__', 'c'), json);
    fc.assert(
      fc.property(doc, doc, (before, after) => {
        expect(applyMergePatch(before, mergePatchBetween(before, after))).toEqual(after);
      }),
    );
  });

  test('nulls, which a merge patch cannot store, are found with their paths', () => {
    expect(nullsIn({ a: null, b: { c: null, d: 1 }, e: [null] })).toEqual(['a', 'b.c']);
  });
});

describe('a pasted token', () => {
  const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const jwt = (payload: object) => `${b64({ alg: 'RS256' })}.${b64(payload)}.c2ln`;

  test('names the principal the services will see: {iss}#{sub}, or {iss}#{client_id}', () => {
    const user = readToken(`Bearer ${jwt({ iss: 'https://id.example.com', sub: 'u1', user_name: 'ann', exp: 10 })}`);
    expect(user).toMatchObject({ principal: 'https://id.example.com#u1', name: 'ann', expiresAt: 10 });
    expect(readToken(jwt({ iss: 'https://id.example.com', client_id: 'svc' })).principal).toBe(
      'https://id.example.com#svc',
    );
    expect(isExpired(user, 10_000)).toBe(true);
    expect(isExpired(user, 9_999)).toBe(false);
  });

  test('says what is wrong with something that is not a usable token', () => {
    expect(() => readToken('hello')).toThrow(TokenError);
    expect(() => readToken(jwt({ sub: 'u1' }))).toThrow('the token has no issuer (iss)');
    expect(() => readToken(jwt({ iss: 'https://x' }))).toThrow('neither sub nor client_id');
    expect(() => readToken('a.b!.c')).toThrow('not a JWT');
  });
});
