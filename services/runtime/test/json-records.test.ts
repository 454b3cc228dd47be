import fc from 'fast-check';
import { byKey, recordJson } from '../src/http/json-records';

const answerJson = (answer: boolean | null) => JSON.stringify(answer);

test('recordJson writes exactly what JSON.stringify writes for the same record', () => {
  const key = fc.oneof(
    fc.string(),
    fc.constantFrom('__proto__', 'constructor', '0', '7', '01', '4294967294', '4294967295', '-1', '1.5', 'a"b', 'a\\b'),
    fc.string({ unit: 'grapheme' }),
    fc.string({ unit: 'binary' }), // lone surrogates included
    fc.webUrl(),
  );
  fc.assert(
    fc.property(fc.array(fc.tuple(key, fc.constantFrom(true, false, null)), { maxLength: 30 }), (pairs) => {
      const keys = pairs.map(([k]) => k);
      const values = pairs.map(([, v]) => v);
      expect(recordJson(keys, values, answerJson)).toBe(JSON.stringify(byKey(keys, values)));
    }),
    { numRuns: 3000 },
  );
});

test('repeated keys and array indices keep the object order JSON.stringify gives them', () => {
  expect(recordJson(['b', 'a', 'b'], [true, null, false], answerJson)).toBe('{"b":false,"a":null}');
  expect(recordJson(['x', '2', '1'], [true, true, false], answerJson)).toBe('{"1":false,"2":true,"x":true}');
  expect(recordJson(['/r', '/s'], [['/r'], []], (v) => JSON.stringify(v))).toBe('{"/r":["/r"],"/s":[]}');
});
