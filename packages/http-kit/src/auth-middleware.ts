import type { IncomingMessage } from 'node:http';
import type { NextFunction, Request, Response } from 'express';
import type { VerifiedToken } from '@permissions/auth';

/** Who is calling: the user of `Authorization` and the trusted client of `X-Client-Authorization` (reference §2.1). */
export interface CallerIdentity {
  user: VerifiedToken | null;
  client: VerifiedToken | null;
}

const IDENTITY = Symbol('caller identity');

/** Express's step of the request pipeline's authentication (`identify`), skipping self-authenticated paths. */
export function authenticationMiddleware(
  identify: (req: IncomingMessage) => CallerIdentity | Promise<CallerIdentity>,
  selfAuthenticatedPaths: string[],
) {
  const skip = new Set(selfAuthenticatedPaths);
  return async (req: Request, res: Response, next: NextFunction) => {
    if (skip.has(req.path)) return next();
    try {
      (res.locals as Record<symbol, CallerIdentity>)[IDENTITY] = await identify(req);
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
