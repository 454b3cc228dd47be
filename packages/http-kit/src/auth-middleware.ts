import type { NextFunction, Request, Response } from 'express';
import { authenticate, type TokenVerifier, type VerifiedToken } from '@permissions/auth';

/** Who is calling: the user of `Authorization` and the trusted client of `X-Client-Authorization` (reference §2.1). */
export interface CallerIdentity {
  user: VerifiedToken | null;
  client: VerifiedToken | null;
}

const IDENTITY = Symbol('caller identity');

export function authenticationMiddleware(verifier: TokenVerifier, selfAuthenticatedPaths: string[]) {
  const skip = new Set(selfAuthenticatedPaths);
  return async (req: Request, res: Response, next: NextFunction) => {
    if (skip.has(req.path)) return next();
    try {
      const identity = await authenticate(
        {
          authorization: req.headers.authorization,
          'x-client-authorization': headerValue(req.headers['x-client-authorization']),
        },
        verifier,
      );
      (res.locals as Record<symbol, CallerIdentity>)[IDENTITY] = identity;
      next();
    } catch (err) {
      next(err);
    }
  };
}

/** The identity the authentication middleware established for this request. */
export function identityOf(res: Response): CallerIdentity {
  const identity = (res.locals as Record<symbol, CallerIdentity | undefined>)[IDENTITY];
  if (!identity) throw new Error('identityOf called on a request that did not pass authentication');
  return identity;
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
