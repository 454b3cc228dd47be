import { z } from 'zod';
import type { ApiResponseSpec, ResponseHeaderName } from './api-route';

/** Every error answer: `{"msg": …}`, sometimes with more members naming what was refused (reference §4). */
export const ErrorBody = z
  .looseObject({ msg: z.string().meta({ description: 'What went wrong, for a person' }) })
  .meta({
    id: 'Error',
    description:
      'Every error is a JSON object with `msg` saying what was wrong (which field, what is expected, which bound and its ' +
      'value). Some carry more members naming what was refused (`subject`, `heirs`, `allow`…). A 5xx carries ' +
      '`requestId`, the id under which the server logged the details.',
  });

export const RESPONSE_HEADERS: Record<ResponseHeaderName, { description: string; schema: z.ZodType }> = {
  ETag: {
    description:
      'Version of the document or team: `e{seq}`, the event sequence number of its last write. Send it back as ' +
      '`If-Match` (bare `e12`, quoted `"e12"`, weak `W/"e12"`, `*`, or a comma-separated list are all accepted).',
    schema: z.string().meta({ examples: ['e42'] }),
  },
  'X-Event-Sequence': {
    description:
      'Read-your-writes: the sequence number of the event this write appended. Ask the runtime with `atLeast={it}` ' +
      '(or header `X-Min-Event-Sequence`) to be answered only from state that includes this write.',
    schema: z.string().regex(/^\d+$/),
  },
  Location: {
    description: 'Where the created resource is read (relative; `/az-permissions?{subject}`, `/az-tm-{id}`).',
    schema: z.string(),
  },
  'Content-Location': { description: 'The request URL.', schema: z.string() },
  Allow: { description: 'The methods this path accepts.', schema: z.string() },
  'Retry-After': { description: 'Seconds to wait before asking again.', schema: z.string().regex(/^\d+$/) },
};

/**
 * The 429 of a route that looks e-mails or ids up at an issuer (a body naming principals): each principal may find
 * only so many of them unknown (throttled, so that guessing who has an account is slow).
 */
export const LOOKUPS_THROTTLED = {
  429: {
    description:
      'Too many unknown e-mails or ids looked up by this caller (`msg` names the bound; `limit`, `burst`, ' +
      '`retryAfter` in seconds)',
    body: ErrorBody,
    headers: ['Retry-After'],
  },
} satisfies Record<number, ApiResponseSpec>;

/**
 * `checkedByHandler` of the bodies of writes whose rights are decided first: whether the caller may act (401, 403,
 * and 404 for what he may not know of) is answered before anything about the body (400), as the original did; the
 * service then checks the body by the same rules, with the same messages.
 */
export const CHECKED_AFTER_AUTHORIZATION =
  'Checked by these rules once the caller is known to be allowed: 401, 403 and 404 are answered before a 400 about ' +
  'the body, as the original did.';

/** A string query parameter given at most once. */
export const queryString = (description: string) => z.string().optional().meta({ description });

/** A repeatable query parameter: one value or several (`?resource=a&resource=b`). */
export const queryList = (description: string) =>
  z
    .union([z.string(), z.array(z.string())])
    .optional()
    .meta({ description });

/** A yes/no flag: `true`, `1` or the bare name (`&cascade`) mean yes. */
export const queryFlag = (description: string) =>
  z
    .enum(['true', 'false', '1', '0', ''], {
      error: (iss) => `${String(iss.path?.[0] ?? 'flag')} must be true or false`,
    })
    .optional()
    .meta({ description });

export function flagSet(value: string | undefined): boolean {
  return value === 'true' || value === '1' || value === '';
}

/**
 * The query of the maintenance-style routes whose query string *is* the subject (`/az-permissions?{url}`, as the
 * original): any member is accepted, since the raw URL itself appears as a member name.
 */
export const subjectQuery = <T extends z.ZodRawShape>(name: string, description: string, extra: T = {} as T) =>
  z.looseObject({
    [name]: z
      .string({ error: `${name} must be given once` })
      .optional()
      .meta({
        description:
          `${description} Also accepted as the raw query string itself (\`?http://example.com/o/acme\`, compatible ` +
          'with the original), percent-encoded or not.',
      }),
    ...extra,
  });
