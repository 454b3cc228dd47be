import type { Server } from 'node:http';
import express from 'express';
import { createClientCredentials } from '../src';

/**
 * An issuer we do not control may refuse HTTP Basic client authentication and want the credentials in the form
 * (client_secret_post), or publish no token endpoint (the original used {issuer}/oauth/token).
 */
let server: Server;
let issuer: string;
const seen: Array<{ path: string; basic: boolean; formClient?: string }> = [];

beforeAll(async () => {
  const app = express();
  app.use(express.urlencoded({ extended: false }));
  app.get('/.well-known/openid-configuration', (_req, res) => {
    res.json({ issuer, jwks_uri: `${issuer}/jwks` }); // no token_endpoint
  });
  app.post('/oauth/token', (req, res) => {
    const basic = (req.headers.authorization ?? '').startsWith('Basic ');
    seen.push({ path: req.path, basic, formClient: req.body.client_id });
    if (basic || req.body.client_id !== 'permissions-client' || req.body.client_secret !== 'permissions-secret') {
      res.status(401).json({ error: 'invalid_client' });
      return;
    }
    res.json({ access_token: 'form-token', token_type: 'Bearer', expires_in: 3600 });
  });
  await new Promise<void>((resolve) => {
    server = app.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  issuer = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

test('falls back to {issuer}/oauth/token and to credentials in the form when Basic is refused', async () => {
  const credentials = createClientCredentials({
    issuers: [issuer],
    clientId: 'permissions-client',
    clientSecret: 'permissions-secret',
  });
  expect(await credentials.tokenFor(issuer)).toBe('form-token');
  expect(seen).toEqual([
    { path: '/oauth/token', basic: true, formClient: undefined },
    { path: '/oauth/token', basic: false, formClient: 'permissions-client' },
  ]);
});
