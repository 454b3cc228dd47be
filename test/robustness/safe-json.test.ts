/** The guard every document, team and PATCH body goes through before recursive code (copies, merge patches). */
import { assertSafeJson, MAX_JSON_DEPTH, validateDocument, validateTeam, BadRequestError } from '@permissions/model';

const nestedArrays = (depth: number): unknown => {
  let value: unknown = 'x';
  for (let i = 0; i < depth; i++) value = [value];
  return value;
};

test('a value exactly MAX_JSON_DEPTH levels deep passes, one level more is a BadRequestError', () => {
  expect(MAX_JSON_DEPTH).toBe(64);
  expect(() => assertSafeJson(nestedArrays(64), 'the body')).not.toThrow();
  expect(() => assertSafeJson(nestedArrays(65), 'the body')).toThrow(
    new BadRequestError('the body nests JSON more than 64 levels deep'),
  );
});

test('scalars have no depth, and a million levels are refused without overflowing the stack', () => {
  for (const scalar of [null, 1, 'x', true]) expect(() => assertSafeJson(scalar, 'v')).not.toThrow();
  expect(() => assertSafeJson(nestedArrays(1_000_000), 'v')).toThrow(BadRequestError);
});

test('documents and teams with a member nested 10 000 levels deep are a 400 naming the limit', () => {
  const deep = nestedArrays(10_000);
  expect(() => validateDocument({ _subject: '/d', _self: { govern: ['u'] }, data: deep })).toThrow(
    'the permissions document nests JSON more than 64 levels deep',
  );
  expect(() => validateTeam({ isA: 'Team', members: [], data: deep })).toThrow(
    'the team nests JSON more than 64 levels deep',
  );
});

test.each([
  ['__proto__', '{"_subject":"/d","_self":{"govern":["u"]},"__proto__":{"x":1}}', '__proto__'],
  ['constructor', '{"_subject":"/d","_self":{"govern":["u"],"constructor":["u"]}}', '_self.constructor'],
  ['hasOwnProperty', '{"_subject":"/d","_self":{"govern":["u"]},"hasOwnProperty":{"read":["u"]}}', 'hasOwnProperty'],
  ['prototype', '{"_subject":"/d","_self":{"govern":["u"]},"data":[{"prototype":1}]}', 'data[0].prototype'],
])('a document using the reserved member name %s is a 400 that says where', (name, json, at) => {
  expect(() => validateDocument(JSON.parse(json))).toThrow(
    `invalid JSON: the permissions document may not use the reserved member name "${name}" (at ${at})`,
  );
});

test('reserved names are refused in teams, but allowed as values and as role path patterns', () => {
  expect(() => validateTeam(JSON.parse('{"isA":"Team","members":[],"roles":{"__proto__":{"/":["read"]}}}'))).toThrow(
    'invalid JSON: the team may not use the reserved member name "__proto__" (at roles.__proto__)',
  );
  const team = validateTeam({
    isA: 'Team',
    name: 'constructor',
    members: ['toString'],
    roles: { b: { '/toString': ['x'] } },
  });
  expect(team).toEqual({
    isA: 'Team',
    name: 'constructor',
    members: ['toString'],
    roles: { b: { '/toString': ['x'] } },
  });
});
