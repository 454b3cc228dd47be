import express, { type Request, type Response, type Router } from 'express';
import type { DevClient } from './fixtures';
import type { IdpState } from './idp-state';

export const JWKS_PATH = '/.well-known/jwks.json';
export const TOKEN_PATH = '/oauth/token';

/** Discovery, keys and the token endpoint (password and client-credentials grants, RFC 6749 §4.3, §4.4). */
export function oauthRoutes(state: IdpState): Router {
  const router = express.Router();

  router.get('/.well-known/openid-configuration', (_req, res) => {
    res.json({
      issuer: state.issuer,
      jwks_uri: `${state.issuer}${JWKS_PATH}`,
      token_endpoint: `${state.issuer}${TOKEN_PATH}`,
      grant_types_supported: ['password', 'client_credentials'],
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
      id_token_signing_alg_values_supported: ['RS256', 'ES256'],
      response_types_supported: ['token'],
      subject_types_supported: ['public'],
    });
  });

  router.get(JWKS_PATH, (_req, res) => {
    res.json(state.keys.jwks());
  });

  router.post(TOKEN_PATH, async (req, res) => {
    const body = formOrJson(req.body);
    const client = clientOf(req, body, state.clients);
    if (client === 'invalid') return oauthError(res, 401, 'invalid_client');

    const grantType = body['grant_type'];
    const lifetime = state.tokenLifetimeSeconds;
    if (grantType === 'client_credentials') {
      if (!client) return oauthError(res, 401, 'invalid_client');
      const token = await state.mint({ client_id: client.clientId, scope: 'ids.read' });
      return res.json({ access_token: token, token_type: 'bearer', expires_in: lifetime });
    }
    if (grantType === 'password') {
      const username = body['username'];
      const user = state.users.find((u) => u.username === username || u.email === username);
      if (!user || user.password !== body['password']) return oauthError(res, 400, 'invalid_grant');
      const claims = { sub: user.sub, email: user.email, user_name: user.username };
      const token = await state.mint(client ? { ...claims, client_id: client.clientId } : claims);
      return res.json({ access_token: token, token_type: 'bearer', expires_in: lifetime });
    }
    return oauthError(res, 400, 'unsupported_grant_type');
  });

  return router;
}

function formOrJson(body: unknown): Record<string, string> {
  if (typeof body !== 'object' || body === null) return {};
  const fields: Record<string, string> = {};
  for (const [key, value] of Object.entries(body)) if (typeof value === 'string') fields[key] = value;
  return fields;
}

/** The authenticated client: from HTTP Basic or from the body; `null` when none is given. */
function clientOf(req: Request, body: Record<string, string>, clients: readonly DevClient[]) {
  let id = body['client_id'];
  let secret = body['client_secret'];
  const basic = /^Basic (.+)$/i.exec(req.headers.authorization ?? '');
  if (basic) {
    const decoded = Buffer.from(basic[1], 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) return 'invalid';
    // RFC 6749 §2.3.1: both parts are form-urlencoded before being joined.
    id = decodeURIComponent(decoded.slice(0, colon).replace(/\+/g, ' '));
    secret = decodeURIComponent(decoded.slice(colon + 1).replace(/\+/g, ' '));
  }
  if (id === undefined) return null;
  const client = clients.find((c) => c.clientId === id);
  return client && client.secret === secret ? client : 'invalid';
}

function oauthError(res: Response, status: number, error: string) {
  if (status === 401) res.set('WWW-Authenticate', 'Basic realm="dev-idp"');
  return res.status(status).json({ error });
}
