import fc from 'fast-check';
import { internalise, internaliseBody } from '../src/internalise';

const HOST = 'permissions.example.com:3200';

test('URLs of the request host become relative; others are kept (reference §2.5)', () => {
  expect(internalise(`http://${HOST}/az-tm-a-b-0123`, HOST)).toBe('/az-tm-a-b-0123');
  expect(internalise(`https://${HOST}/az-permissions?x`, HOST)).toBe('/az-permissions?x');
  expect(internalise(`//${HOST}/x`, HOST)).toBe('/x');
  expect(internalise(`http://${HOST}`, HOST)).toBe('/');
  expect(internalise(`http://${HOST}.evil.com/x`, HOST)).toBe(`http://${HOST}.evil.com/x`);
  expect(internalise('http://apigee.com/o/acme', HOST)).toBe('http://apigee.com/o/acme');
  expect(internalise('/az-tm-x', HOST)).toBe('/az-tm-x');
  expect(internalise(`http://${HOST}/x`, undefined)).toBe(`http://${HOST}/x`);
});

test('every string of a body, and only the values of a JSON patch', () => {
  const body = { _subject: `http://${HOST}/doc`, _self: { read: [`http://${HOST}/az-tm-t`, 'iss#u'] }, n: 1 };
  expect(internaliseBody(body, HOST, false)).toEqual({
    _subject: '/doc',
    _self: { read: ['/az-tm-t', 'iss#u'] },
    n: 1,
  });
  const patch = [{ op: 'add', path: `http://${HOST}/not-a-value`, value: `http://${HOST}/az-tm-t` }];
  expect(internaliseBody(patch, HOST, true)).toEqual([
    { op: 'add', path: `http://${HOST}/not-a-value`, value: '/az-tm-t' },
  ]);
});

/** The rule as first written (prefixes built per host, compared in turn): the oracle of the faster one. */
function internaliseAsWritten(value: string, host: string | undefined): string {
  if (host === undefined || host === '') return value;
  for (const prefix of [`http://${host}`, `https://${host}`, `//${host}`]) {
    if (value.startsWith(prefix) && (value.length === prefix.length || value[prefix.length] === '/')) {
      return value.slice(prefix.length) || '/';
    }
  }
  return value;
}

test('the in-place check agrees with the prefix rule for any value and host', () => {
  const part = fc.constantFrom('http:', 'https:', '//', '/', 'h', 'host', ':3200', '.evil', 'x', '');
  const text = fc.array(part, { maxLength: 6 }).map((parts) => parts.join(''));
  fc.assert(
    fc.property(text, fc.oneof(fc.constant(undefined), text), (value, host) => {
      expect(internalise(value, host)).toBe(internaliseAsWritten(value, host));
    }),
    { numRuns: 5000 },
  );
});
