import { createHttpCore, type ClientOptions } from './http-core';
import { PermissionsApiError, UnauthorizedError } from './errors';
import { questionMethods } from './questions';

/** The parts of an express request, response and next the middleware uses (no dependency on express). */
export interface RequestLike {
  headers: Record<string, string | string[] | undefined>;
}
export interface ResponseLike {
  status(code: number): ResponseLike;
  json(body: unknown): unknown;
  setHeader(name: string, value: string): unknown;
}
export type NextLike = (err?: unknown) => void;

export interface RequirePermissionOptions<Req extends RequestLike> {
  /** The resource (or resources, all required) the request touches. */
  resource: (req: Req) => string | readonly string[];
  action: string;
  /** Default `_self`. */
  property?: string;
  /** Where the runtime is (the all-in-one, or the runtime's own URL), and optionally a transport and retries. */
  runtime: Omit<ClientOptions, 'token' | 'clientToken' | 'consistency'>;
}

/**
 * The principal a bearer token names (`{iss}#{sub}`), read WITHOUT verifying it: only to ask the runtime about that
 * principal, with that very token. The runtime verifies the token and refuses a question about anyone else, so a
 * forged token gets nothing but a 401.
 */
export function principalOfToken(token: string): string | undefined {
  const payload = token.split('.')[1];
  if (payload === undefined) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { iss?: unknown; sub?: unknown };
    if (typeof claims.iss !== 'string' || typeof claims.sub !== 'string' || claims.iss === '' || claims.sub === '') {
      return undefined;
    }
    return `${claims.iss}#${claims.sub}`;
  } catch {
    return undefined;
  }
}

function bearerOf(req: RequestLike): string | undefined {
  const header = req.headers.authorization;
  const value = Array.isArray(header) ? header[0] : header;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(value ?? '');
  return match?.[1];
}

function refuse(res: ResponseLike, status: 401 | 403, msg: string): void {
  if (status === 401) res.setHeader('WWW-Authenticate', 'Bearer');
  res.status(status).json({ msg });
}

/**
 * Express middleware guarding a route: the caller's bearer token is forwarded to the runtime's `/az-is-allowed` for
 * the token's own user. No token, or one the runtime refuses: 401. Not allowed (`false`, or `null`: no document had an
 * opinion): 403. Allowed: next(). Anything else (the runtime unreachable after retries) goes to next(err).
 */
export function requirePermission<Req extends RequestLike = RequestLike>(options: RequirePermissionOptions<Req>) {
  return (req: Req, res: ResponseLike, next: NextLike): void => {
    const token = bearerOf(req);
    if (token === undefined) return refuse(res, 401, 'a bearer token is required (Authorization: Bearer …)');
    const user = principalOfToken(token);
    if (user === undefined) return refuse(res, 401, 'the bearer token names no user (no iss and sub)');
    let resource: string | readonly string[];
    try {
      resource = options.resource(req);
    } catch (err) {
      return next(err);
    }
    const questions = questionMethods(createHttpCore({ ...options.runtime, token }));
    questions
      .isAllowed({ resource, action: options.action, property: options.property, user })
      .then((answer) => {
        if (answer === true) return next();
        refuse(res, 403, `${options.action} is not allowed on ${[resource].flat().join(', ')}`);
      })
      .catch((err: unknown) => {
        if (err instanceof UnauthorizedError) return refuse(res, 401, err.msg);
        // The runtime refused the question itself (a token for another user than it names cannot happen here).
        if (err instanceof PermissionsApiError && err.status === 403) return refuse(res, 403, err.msg);
        next(err);
      });
  };
}
