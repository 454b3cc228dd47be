import { legacyOrgOf } from '../src/legacy-resource';

const base = 'https://legacy.example.com:8443';

test.each([
  [`${base}/v1/o/acme`, { org: 'acme', rest: '' }],
  [`${base}/v1/o/acme/`, { org: 'acme', rest: '/' }],
  [`${base}/v1/o/acme/environments/test`, { org: 'acme', rest: '/environments/test' }],
  [`${base}/v1/organizations/acme/apis`, { org: 'acme', rest: '/apis' }],
  ['https://LEGACY.example.com:8443/v1/o/acme', { org: 'acme', rest: '' }],
])('%s belongs to the org document {LEGACY_RBAC_URL}/v1/o/{org}', (resource, expected) => {
  expect(legacyOrgOf(resource, base)).toEqual({ ...expected, orgUrl: `${base}/v1/o/${expected.org}` });
});

test.each([
  'http://legacy.example.com:8443/v1/o/acme', // scheme differs
  'https://legacy.example.com/v1/o/acme', // port differs
  'https://legacy.example.com:9443/v1/o/acme',
  'https://other.example.com:8443/v1/o/acme',
  'https://user@legacy.example.com:8443/v1/o/acme',
  `${base}/v1/oacme`,
  `${base}/v1/o/`,
  `${base}/v1/o`,
  `${base}/v2/o/acme`,
  `${base}/o/acme`,
  `${base}/v1/o/ac%2Fme`,
  `${base}/v1/o/-acme`,
  'acme',
  '/v1/o/acme',
  '/az-tm-x',
])('%s is not a legacy resource', (resource) => {
  expect(legacyOrgOf(resource, base)).toBeUndefined();
});

test('default ports compare equal to an explicit one', () => {
  expect(legacyOrgOf('https://legacy.example.com:443/v1/o/acme', 'https://legacy.example.com')?.org).toBe('acme');
});

test('a base with a path prefix', () => {
  const prefixed = 'http://127.0.0.1:3298/edge';
  expect(legacyOrgOf('http://127.0.0.1:3298/edge/v1/o/acme/apis', prefixed)).toEqual({
    org: 'acme',
    orgUrl: 'http://127.0.0.1:3298/edge/v1/o/acme',
    rest: '/apis',
  });
  expect(legacyOrgOf('http://127.0.0.1:3298/v1/o/acme', prefixed)).toBeUndefined();
});

test('nothing is legacy when no legacy system is configured', () => {
  expect(legacyOrgOf(`${base}/v1/o/acme`, undefined)).toBeUndefined();
});
