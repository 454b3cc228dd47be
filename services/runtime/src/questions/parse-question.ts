import { BadRequestError } from '@permissions/model';

/** One runtime question, from a query string or a JSON body (reference §5.1; B7: POST bodies are read as JSON). */
export interface Question {
  resources: string[];
  /** `user` as given by the caller; absent = a question about "no user" (only the are-any routes allow it). */
  user: string | undefined;
  action: string | undefined;
  property: string;
  withScopes: boolean;
  withIndividualAnswers: boolean;
  /** Read-your-writes: answer only from state that includes this event (CONTRACT §5). */
  atLeast: number | undefined;
  /** `/az-is-allowed-to-inherit-from` only. */
  subject: string | undefined;
  sharingSet: string[];
}

const MAX_RESOURCES = 1000;
type Raw = Record<string, unknown[]>;

/** Groups query parameters by name without closures (this runs on every question). */
export function rawFromSearchParams(query: string): Raw {
  // URLSearchParams turns malformed escapes into U+FFFD silently; a question about a garbled resource is a 400.
  if (query.includes('%')) {
    try {
      decodeURIComponent(query);
    } catch {
      throw new BadRequestError(`malformed percent-encoding in query string: ${query.slice(0, 200)}`);
    }
  }
  const raw: Raw = Object.create(null) as Raw;
  for (const [name, value] of new URLSearchParams(query)) (raw[name] ??= []).push(value);
  return raw;
}

/** A JSON body's members, each as a list (a single value or an array). */
export function rawFromJsonBody(body: unknown): Raw {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new BadRequestError('the request body must be a JSON object');
  }
  const raw: Raw = Object.create(null) as Raw;
  for (const [name, value] of Object.entries(body)) {
    if (value === undefined || value === null || value === false) continue;
    raw[name] = Array.isArray(value) ? value : [value];
  }
  return raw;
}

function optionalString(raw: Raw, name: string): string | undefined {
  const values = raw[name];
  if (values === undefined || values.length === 0) return undefined;
  if (values.length > 1) throw new BadRequestError(`${name} must be given at most once`);
  const value = values[0];
  if (typeof value !== 'string') throw new BadRequestError(`${name} must be a string`);
  return value;
}

function strings(raw: Raw, name: string): string[] {
  const values = raw[name];
  if (values === undefined) return [];
  if (values.length > MAX_RESOURCES) throw new BadRequestError(`at most ${MAX_RESOURCES} ${name} values per request`);
  for (const v of values) {
    if (typeof v !== 'string' || v === '') throw new BadRequestError(`${name} values must be non-empty strings`);
  }
  return values as string[];
}

/**
 * Reads every parameter a question route may take; `resourceName` is `resource` or `baseAndPath`. Wrong types are
 * a 400 that names the parameter; nothing here depends on the route beyond that name.
 */
export function parseQuestion(raw: Raw, resourceName: 'resource' | 'baseAndPath', minSeqHeader?: string): Question {
  const atLeastText = optionalString(raw, 'atLeast') ?? minSeqHeader;
  let atLeast: number | undefined;
  if (atLeastText !== undefined) {
    if (!/^\d{1,15}$/.test(atLeastText)) throw new BadRequestError('atLeast must be a non-negative integer');
    atLeast = Number(atLeastText);
  }
  const property = optionalString(raw, 'property');
  const resources = strings(raw, resourceName);
  const user = optionalString(raw, 'user');
  if (user !== undefined) refuseCutPrincipal(user);
  return {
    resources,
    user,
    action: optionalString(raw, 'action'),
    property: property === undefined || property === '' ? '_self' : property,
    withScopes: raw.withScopes !== undefined,
    withIndividualAnswers: raw.withIndividualAnswers !== undefined,
    atLeast,
    subject: optionalString(raw, 'subject'),
    sharingSet: strings(raw, 'sharingSet'),
  };
}

/**
 * An unencoded `#` ends a URL: what follows is a fragment that clients never send, so `user=http://iss#sub` arrives
 * as `user=http://iss` (and any parameter after it is lost too). No principal is an absolute URL without a `#`
 * (`{iss}#{sub}`, the wildcards; teams are relative `/az-tm-…`), so such a value can only be a cut one: a 400 that
 * says how to send it, rather than a 403 about somebody else.
 */
function refuseCutPrincipal(user: string): void {
  if (!/^https?:\/\//i.test(user) || user.includes('#')) return;
  throw new BadRequestError(
    `user must be a principal {issuer}#{id}, and "${user.slice(0, 200)}" has no "#": in a query string, write ` +
      `the # as %23 (user=${user.slice(0, 200)}%23…), since an unencoded # ends the URL and nothing after it is sent`,
  );
}

export function requireAction(question: Question, url: string): string {
  if (question.action === undefined || question.action === '') {
    throw new BadRequestError(`action query parameter must be provided: ${url}`);
  }
  return question.action;
}
