import { ConfigError, loadConfig } from '../src/config';

test('defaults, and timers divided by SPEEDUP', () => {
  const config = loadConfig({ SPEEDUP: '10' });
  expect(config.port).toBe(3200);
  expect(config.ports).toEqual({ maintenance: 3201, teams: 3202, runtime: 3203, migration: 3204 });
  expect(config.urls.runtime).toBe('http://127.0.0.1:3203');
  expect(config.bodyLimitBytes).toBe(1024 * 1024);
  expect(config.timers.pollIntervalMs).toBe(100);
  expect(config.timers.retentionMs).toBe(360_000);
});

test('lists are split and trimmed; the body limit is read in bytes for every reader', () => {
  const config = loadConfig({
    AUTH_ISSUERS: ' https://a.example.com/ , https://b.example.com',
    BOOTSTRAP_GOVERNORS: 'https://a.example.com#x,https://a.example.com#y',
    BODY_LIMIT: '500kb',
  });
  expect(config.authIssuers).toEqual(['https://a.example.com/', 'https://b.example.com']);
  expect(config.bootstrapGovernors).toEqual(['https://a.example.com#x', 'https://a.example.com#y']);
  expect(config.bodyLimitBytes).toBe(500 * 1024);
});

test('every invalid variable is reported at once', () => {
  expect(() => loadConfig({ PORT: 'x', EVENTS_SECRET: 'short', BODY_LIMIT: 'lots' })).toThrow(ConfigError);
  try {
    loadConfig({ PORT: 'x', EVENTS_SECRET: 'short', BODY_LIMIT: 'lots' });
  } catch (err) {
    expect((err as Error).message).toMatch(/PORT/);
    expect((err as Error).message).toMatch(/EVENTS_SECRET must be at least 16 characters/);
    expect((err as Error).message).toMatch(/BODY_LIMIT must be a size/);
  }
});

test('CACHE_MAX_BYTES is a size, 256 MB unless set, and at least 1 MB', () => {
  expect(loadConfig({}).cache.maxBytes).toBe(256 * 1024 * 1024);
  expect(loadConfig({ CACHE_MAX_BYTES: '64mb' }).cache.maxBytes).toBe(64 * 1024 * 1024);
  expect(() => loadConfig({ CACHE_MAX_BYTES: '10kb' })).toThrow(/CACHE_MAX_BYTES must be a size of at least 1mb/);
  expect(() => loadConfig({ CACHE_MAX_BYTES: 'plenty' })).toThrow(/CACHE_MAX_BYTES/);
});

test('the development identity is known only when DEV_IDP_ISSUER names a trusted issuer', () => {
  expect(loadConfig({ AUTH_ISSUERS: 'http://127.0.0.1:4000' }).devIdentity).toBeUndefined();
  expect(
    loadConfig({
      AUTH_ISSUERS: 'http://127.0.0.1:4000',
      DEV_IDP_ISSUER: 'http://127.0.0.1:4000/',
      DEV_IDP_USERS: 'a, b',
    }).devIdentity,
  ).toEqual({ issuer: 'http://127.0.0.1:4000/', users: ['a', 'b'] });
  expect(() =>
    loadConfig({ AUTH_ISSUERS: 'https://login.example.com', DEV_IDP_ISSUER: 'http://127.0.0.1:4000' }),
  ).toThrow('DEV_IDP_ISSUER must be one of AUTH_ISSUERS');
});
