import axios, { type AxiosResponse } from 'axios';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify, type JSONWebKeySet, type JWTPayload } from 'jose';
import { DEFAULT_USERS, startDevIdp, type DevIdp } from '../src/idp';

const http = axios.create({ validateStatus: () => true });

describe('development identity provider', () => {
  let idp: DevIdp;
  let other: DevIdp;

  beforeAll(async () => {
    [idp, other] = await Promise.all([startDevIdp(), startDevIdp()]);
  });
  afterAll(() => Promise.all([idp.close(), other.close()]));

  async function claimsOf(token: string, of: DevIdp = idp): Promise<JWTPayload> {
    const jwks = (await http.get<JSONWebKeySet>(`${of.issuer}/.well-known/jwks.json`)).data;
    const { payload } = await jwtVerify(token, createLocalJWKSet(jwks), { issuer: of.issuer });
    return payload;
  }

  const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
  const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;
  const postToken = (body: string | object, headers: Record<string, string> = {}) =>
    http.post<Record<string, unknown>>(`${idp.issuer}/oauth/token`, body, { headers });

  it('listens on loopback with the default users and client', () => {
    expect(idp.issuer).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(idp.url).toBe(idp.issuer);
    expect(idp.users.map((u) => u.username)).toEqual(['alice', 'bob', 'carol', 'dave']);
    expect(idp.users).toBe(DEFAULT_USERS);
    expect(idp.clients).toEqual([{ clientId: 'permissions-client', secret: 'permissions-secret' }]);
  });

  it('lets pages served from loopback read its token answers (the explorer signs in from the browser), no others', async () => {
    const body = form({ grant_type: 'password', username: 'bob', password: 'bob' });
    const fromLoopback = await postToken(body, { origin: 'http://127.0.0.1:3200' });
    expect(fromLoopback.status).toBe(200);
    expect(fromLoopback.headers['access-control-allow-origin']).toBe('http://127.0.0.1:3200');
    const fromElsewhere = await postToken(body, { origin: 'https://evil.example.com' });
    expect(fromElsewhere.headers['access-control-allow-origin']).toBeUndefined();
    const preflight = await http.options(`${idp.issuer}/oauth/token`, { headers: { origin: 'http://localhost:8080' } });
    expect(preflight.status).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBe('http://localhost:8080');
  });

  it('publishes discovery metadata and a JWKS with an RS256 and an ES256 key', async () => {
    const discovery = await http.get(`${idp.issuer}/.well-known/openid-configuration`);
    expect(discovery.status).toBe(200);
    expect(discovery.data).toMatchObject({
      issuer: idp.issuer,
      jwks_uri: `${idp.issuer}/.well-known/jwks.json`,
      token_endpoint: `${idp.issuer}/oauth/token`,
    });
    const jwks = await http.get<JSONWebKeySet>(discovery.data.jwks_uri);
    expect(jwks.data.keys.map((k) => [k.kty, k.alg, k.use])).toEqual([
      ['RSA', 'RS256', 'sig'],
      ['EC', 'ES256', 'sig'],
    ]);
    expect(jwks.data.keys.some((k) => 'd' in k)).toBe(false);
  });

  it('issues user tokens with the password grant, from a form or JSON', async () => {
    const fromForm = await postToken(form({ grant_type: 'password', username: 'alice', password: 'alice' }));
    expect(fromForm.status).toBe(200);
    expect(fromForm.data).toMatchObject({ token_type: 'bearer', expires_in: 3600 });
    const claims = await claimsOf(fromForm.data.access_token as string);
    expect(claims).toMatchObject({ iss: idp.issuer, sub: DEFAULT_USERS[0].sub, email: 'alice@example.com' });
    expect(claims.client_id).toBeUndefined();
    expect(claims.exp! - Math.floor(Date.now() / 1000)).toBeGreaterThan(3500);

    const fromJson = await postToken(
      { grant_type: 'password', username: 'bob', password: 'bob' },
      { authorization: basic('permissions-client', 'permissions-secret') },
    );
    expect(fromJson.status).toBe(200);
    expect(await claimsOf(fromJson.data.access_token as string)).toMatchObject({
      sub: DEFAULT_USERS[1].sub,
      client_id: 'permissions-client',
    });
  });

  it('refuses wrong passwords, wrong clients and unknown grants per RFC 6749', async () => {
    const badPassword = await postToken(form({ grant_type: 'password', username: 'alice', password: 'bob' }));
    expect([badPassword.status, badPassword.data]).toEqual([400, { error: 'invalid_grant' }]);
    const badClient = await postToken(form({ grant_type: 'password', username: 'alice', password: 'alice' }), {
      authorization: basic('permissions-client', 'nope'),
    });
    expect([badClient.status, badClient.data]).toEqual([401, { error: 'invalid_client' }]);
    const noClient = await postToken(form({ grant_type: 'client_credentials' }));
    expect([noClient.status, noClient.data]).toEqual([401, { error: 'invalid_client' }]);
    const grant = await postToken(form({ grant_type: 'authorization_code', code: 'x' }));
    expect([grant.status, grant.data]).toEqual([400, { error: 'unsupported_grant_type' }]);
  });

  it('issues client tokens with client_id and no sub, from Basic auth or the body', async () => {
    const viaBasic = await postToken(form({ grant_type: 'client_credentials' }), {
      authorization: basic('permissions-client', 'permissions-secret'),
    });
    const viaBody = await postToken(
      form({ grant_type: 'client_credentials', client_id: 'permissions-client', client_secret: 'permissions-secret' }),
    );
    for (const response of [viaBasic, viaBody]) {
      expect(response.status).toBe(200);
      const claims = await claimsOf(response.data.access_token as string);
      expect(claims).toMatchObject({ iss: idp.issuer, client_id: 'permissions-client' });
      expect(claims.sub).toBeUndefined();
    }
  });

  describe('ids API', () => {
    const lookup = (path: string, body: unknown, token?: string): Promise<AxiosResponse> =>
      http.post(`${idp.issuer}/v2/ids/Users/${path}/`, body, {
        headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
      });

    it('maps known e-mails to ids, ignoring case and unknown ones', async () => {
      const token = await idp.clientToken('permissions-client');
      const response = await lookup('emails', ['ALICE@example.com', 'nobody@example.com', 'dave@example.com'], token);
      expect(response.status).toBe(200);
      expect(response.data).toEqual([
        { id: DEFAULT_USERS[0].sub, email: 'alice@example.com' },
        { id: DEFAULT_USERS[3].sub, email: 'dave@example.com' },
      ]);
    });

    it('answers the ids that exist', async () => {
      const token = await idp.clientToken('permissions-client');
      const response = await lookup('ids', [DEFAULT_USERS[1].sub, '00000000-0000-4000-8000-000000000000'], token);
      expect(response.data).toEqual([{ id: DEFAULT_USERS[1].sub, email: 'bob@example.com' }]);
    });

    it('requires a client-credentials token of this issuer', async () => {
      const tokens: Array<string | undefined> = [
        undefined,
        await idp.tokenFor('alice'),
        await other.clientToken('permissions-client'),
        await idp.clientToken('permissions-client', { expiresIn: -5 }),
        await idp.clientToken('permissions-client', { key: 'foreign' }),
        await idp.clientToken('permissions-client', { alg: 'none' }),
      ];
      for (const token of tokens) {
        const response = await lookup('emails', ['alice@example.com'], token);
        expect([response.status, response.data]).toEqual([401, { error: 'invalid_token' }]);
      }
    });

    it('answers 400 for a body that is not an array of strings', async () => {
      const token = await idp.clientToken('permissions-client');
      const response = await lookup('ids', { ids: ['x'] }, token);
      expect(response.status).toBe(400);
    });
  });

  describe('mint', () => {
    it('fills in iss, iat and exp, honours expiresIn, notBefore and kid', async () => {
      const now = Math.floor(Date.now() / 1000);
      const token = await idp.mint({ sub: 'x' }, { expiresIn: -60, notBefore: 30, kid: 'k1', alg: 'ES256' });
      const [header, payload] = token
        .split('.')
        .slice(0, 2)
        .map((p) => JSON.parse(Buffer.from(p, 'base64url').toString()));
      expect(header).toEqual({ alg: 'ES256', typ: 'JWT', kid: 'k1' });
      expect(payload).toMatchObject({ iss: idp.issuer, sub: 'x' });
      expect(payload.exp - now).toBeGreaterThanOrEqual(-61);
      expect(payload.exp - now).toBeLessThanOrEqual(-59);
      expect(payload.nbf - payload.iat).toBe(30);
    });

    it('writes alg none tokens with an empty signature', async () => {
      const token = await idp.tokenFor('alice', { alg: 'none' });
      expect(token.endsWith('.')).toBe(true);
      expect(decodeProtectedHeader(token).alg).toBe('none');
    });

    it('rotates keys: new kids sign, old keys stay published', async () => {
      const rotating = await startDevIdp();
      try {
        const oldToken = await rotating.tokenFor('alice');
        const kids = await rotating.rotateKeys();
        expect(decodeProtectedHeader(await rotating.tokenFor('alice')).kid).toBe(kids.RS256);
        expect(decodeProtectedHeader(await rotating.tokenFor('alice', { alg: 'ES256' })).kid).toBe(kids.ES256);
        const jwks = (await http.get<JSONWebKeySet>(`${rotating.issuer}/.well-known/jwks.json`)).data;
        expect(jwks.keys).toHaveLength(4);
        expect((await claimsOf(oldToken, rotating)).sub).toBe(DEFAULT_USERS[0].sub);
      } finally {
        await rotating.close();
      }
    });
  });

  it('accepts custom users and clients', async () => {
    const custom = await startDevIdp({
      users: [{ username: 'erin', password: 'pw', sub: '11111111-2222-4333-8444-555555555555', email: 'e@x.org' }],
      clients: [{ clientId: 'svc', secret: 's3' }],
      audience: 'permissions',
    });
    try {
      const response = await http.post(
        `${custom.issuer}/oauth/token`,
        form({ grant_type: 'password', username: 'erin', password: 'pw' }),
      );
      expect(await claimsOf(response.data.access_token as string, custom)).toMatchObject({
        sub: '11111111-2222-4333-8444-555555555555',
        aud: 'permissions',
      });
      expect(custom.principalOf('erin')).toBe(`${custom.issuer}#11111111-2222-4333-8444-555555555555`);
      await expect(custom.clientToken('permissions-client')).rejects.toThrow('dev IdP: no client permissions-client');
    } finally {
      await custom.close();
    }
  });
});
