import { PreconditionFailedError } from '@permissions/model';
import { assertIfMatch, etagOf } from '../src/etag';

test.each(['e7', '"e7"', 'W/"e7"', '*', '"e1", "e7"', 'e3,e7', ' "e7" '])('If-Match %s matches version 7', (header) => {
  expect(() => assertIfMatch(header, 7)).not.toThrow();
});

test.each([
  [undefined, 'missing If-Match header'],
  ['', 'missing If-Match header'],
  ['e6', 'If-Match header does not match etag e7'],
  ['"e1", "e2"', 'If-Match header does not match etag e7'],
  ['e77', 'If-Match header does not match etag e7'],
  ['7', 'If-Match header does not match etag e7'],
])('If-Match %p does not: 412 %s', (header, msg) => {
  expect(() => assertIfMatch(header, 7)).toThrow(new PreconditionFailedError(msg));
  expect(etagOf(7)).toBe('e7');
});
