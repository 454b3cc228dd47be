import { auth, startStack, type Stack } from '@permissions/test-support/harness';

/**
 * `GET /explorer` as a browser meets it: the page and its assets without a token, a config that names the
 * development identity provider only when `pnpm start` runs one, and nothing else public under /explorer.
 */
describe('the explorer served by maintenance alone (production: no development identity)', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ services: ['maintenance'] });
  });
  afterAll(async () => stack?.close());

  test('the page needs no token and names its assets by content hash, under a strict content policy', async () => {
    const page = await stack.http.get('/explorer');
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.text).toMatch(/<script type="module" src="\/explorer\/assets\/explorer\.js\?v=[\w-]+"><\/script>/);
    const csp = page.headers['content-security-policy'];
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("connect-src 'self';");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(page.headers['referrer-policy']).toBe('no-referrer');
    expect((await stack.http.get('/explorer/')).status).toBe(200);
  });

  test('the script and the style sheet are served locally, with ETags that answer 304', async () => {
    const page = await stack.http.get('/explorer');
    const [, js] = /src="([^"]+)"/.exec(page.text) ?? [];
    const [, css] = /href="([^"]+)"/.exec(page.text) ?? [];
    const script = await stack.http.get(js);
    expect(script.status).toBe(200);
    expect(script.headers['content-type']).toMatch(/^text\/javascript/);
    expect(script.headers['cache-control']).toContain('immutable');
    expect(script.text.length).toBeGreaterThan(1000);
    expect(script.text).not.toMatch(/https?:\/\/(cdn|unpkg|esm\.sh)/);
    const style = await stack.http.get(css);
    expect(style.status).toBe(200);
    expect(style.headers['content-type']).toMatch(/^text\/css/);
    const again = await stack.http.get(js).set('If-None-Match', script.headers.etag);
    expect(again.status).toBe(304);
  });

  test('config.json reveals nothing without a development identity provider', async () => {
    const config = await stack.http.get('/explorer/config.json');
    expect(config.status).toBe(200);
    expect(config.body).toEqual({ devIdentity: null });
  });

  test('only the page, its assets and its config are public; other methods are 405', async () => {
    expect((await stack.http.get('/explorer/anything-else')).status).toBe(401);
    expect((await stack.http.get('/explorer/assets/other.js')).status).toBe(401);
    const token = await stack.token('alice');
    expect((await stack.http.get('/explorer/anything-else').set(auth(token))).status).toBe(404);
    const post = await stack.http.post('/explorer').send({});
    expect(post.status).toBe(405);
    expect(post.headers.allow).toBe('GET');
    expect((await stack.http.get('/az-permissions?/')).status).toBe(401);
  });
});

describe('the explorer under pnpm start (a development identity provider runs)', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({
      services: ['maintenance'],
      env: (idp) => ({ DEV_IDP_ISSUER: idp.issuer, DEV_IDP_USERS: 'alice,bob' }),
    });
  });
  afterAll(async () => stack?.close());

  test('config.json names the provider and its users, and the page may connect to it', async () => {
    const config = await stack.http.get('/explorer/config.json');
    expect(config.body).toEqual({ devIdentity: { issuer: stack.idp.issuer, users: ['alice', 'bob'] } });
    const page = await stack.http.get('/explorer');
    expect(page.headers['content-security-policy']).toContain(`connect-src 'self' ${new URL(stack.idp.issuer).origin}`);
  });
});
