import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { createLocalJWKSet, jwtVerify } from 'jose';
import type { IdpState } from './idp-state';

/**
 * The ids API of reference §2.3: e-mails → ids and existence of ids. Like the real one, it answers only callers
 * holding a client-credentials token of this issuer, so a test proves the services send theirs.
 */
export function idsRoutes(state: IdpState): Router {
  const router = express.Router();
  const requireClientToken = clientTokenGuard(state);

  router.post('/v2/ids/Users/emails/', requireClientToken, (req, res) => {
    const emails = stringArray(req.body);
    if (!emails) return res.status(400).json({ error: 'body must be a JSON array of e-mails' });
    const wanted = new Set(emails.map((e) => e.toLowerCase()));
    res.json(state.users.filter((u) => wanted.has(u.email.toLowerCase())).map((u) => ({ id: u.sub, email: u.email })));
  });

  router.post('/v2/ids/Users/ids/', requireClientToken, (req, res) => {
    const ids = stringArray(req.body);
    if (!ids) return res.status(400).json({ error: 'body must be a JSON array of ids' });
    const wanted = new Set(ids.map((id) => id.toLowerCase()));
    res.json(state.users.filter((u) => wanted.has(u.sub.toLowerCase())).map((u) => ({ id: u.sub, email: u.email })));
  });

  return router;
}

function clientTokenGuard(state: IdpState) {
  return async (req: Request, res: Response, next: NextFunction) => {
    const bearer = /^Bearer (\S+)$/i.exec(req.headers.authorization ?? '');
    try {
      if (!bearer) throw new Error('no bearer token');
      const { payload } = await jwtVerify(bearer[1], createLocalJWKSet(state.keys.jwks()), {
        issuer: state.issuer,
        algorithms: ['RS256', 'ES256'],
        requiredClaims: ['exp'],
      });
      const clientId = payload['client_id'];
      if (payload.sub !== undefined || !state.clients.some((c) => c.clientId === clientId)) {
        throw new Error('not a client-credentials token');
      }
    } catch {
      res.set('WWW-Authenticate', 'Bearer error="invalid_token"');
      return res.status(401).json({ error: 'invalid_token' });
    }
    next();
  };
}

function stringArray(body: unknown): string[] | null {
  return Array.isArray(body) && body.every((v) => typeof v === 'string') ? body : null;
}
