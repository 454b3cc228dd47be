import type { Request } from 'express';
import { BadRequestError } from '@permissions/model';
import { internalise } from './internalise';

/**
 * The resource named by a maintenance-style query string (reference §2.5, B22): the raw query string itself
 * (`/az-permissions?http://apigee.com/o/acme`, compat), or its percent-encoded form, or `?subject=…`
 * (also accepted: `resource=`, `user=`, `team=` for the routes that name those). URLs of our own host are made
 * relative, as the original did.
 */
export function subjectFromQuery(req: Request, names: string[] = ['subject']): string {
  const url = req.originalUrl;
  const q = url.indexOf('?');
  const raw = q < 0 ? '' : url.slice(q + 1);
  if (raw === '') throw new BadRequestError(`the query string must name the resource: ${req.path}?{url}`);
  for (const name of names) {
    if (raw.startsWith(`${name}=`)) {
      const value = req.query[name];
      if (typeof value !== 'string' || value === '') throw new BadRequestError(`${name} must be given once`);
      return internalise(value, req.headers.host);
    }
  }
  return internalise(decodeIfEncoded(raw), req.headers.host);
}

/** Query parameters after a `subject=` form (e.g. `&cascade=true`); none in the raw compat form. */
export function hasFlag(req: Request, flag: string): boolean {
  const value = req.query[flag];
  return value === 'true' || value === '' || value === '1';
}

function decodeIfEncoded(raw: string): string {
  if (!raw.includes('%')) return raw;
  try {
    return decodeURIComponent(raw);
  } catch {
    throw new BadRequestError(`malformed percent-encoding in query string: ${raw.slice(0, 200)}`);
  }
}
