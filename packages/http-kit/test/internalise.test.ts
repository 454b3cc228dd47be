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
