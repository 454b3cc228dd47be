import { BadRequestError } from '@permissions/model/src/errors';

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

type Source = { get(name: string): unknown; all(name: string): unknown[]; has(name: string): boolean };

export function fromSearchParams(params: URLSearchParams): Source {
  return { get: (n) => params.get(n) ?? undefined, all: (n) => params.getAll(n), has: (n) => params.has(n) };
}

export function fromJsonBody(body: unknown): Source {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new BadRequestError('the request body must be a JSON object');
  }
  const object = body as Record<string, unknown>;
  const value = (n: string) => (Object.prototype.hasOwnProperty.call(object, n) ? object[n] : undefined);
  return {
    get: value,
    all: (n) => {
      const v = value(n);
      return v === undefined ? [] : Array.isArray(v) ? v : [v];
    },
    has: (n) => value(n) !== undefined && value(n) !== false,
  };
}

const MAX_RESOURCES = 1000;

function optionalString(source: Source, name: string): string | undefined {
  const value = source.get(name);
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new BadRequestError(`${name} must be a string`);
  return value;
}

function strings(source: Source, name: string): string[] {
  const values = source.all(name);
  if (values.length > MAX_RESOURCES) throw new BadRequestError(`at most ${MAX_RESOURCES} ${name} values per request`);
  for (const v of values)
    if (typeof v !== 'string' || v === '') throw new BadRequestError(`${name} values must be non-empty strings`);
  return values as string[];
}

/**
 * Reads every parameter a question route may take; `resourceName` is `resource` or `baseAndPath`. Wrong types are
 * a 400 that names the parameter; nothing here depends on the route beyond that name.
 */
export function parseQuestion(
  source: Source,
  resourceName: 'resource' | 'baseAndPath',
  minSeqHeader?: string,
): Question {
  const atLeastText = optionalString(source, 'atLeast') ?? minSeqHeader;
  let atLeast: number | undefined;
  if (atLeastText !== undefined) {
    if (!/^\d{1,15}$/.test(String(atLeastText))) throw new BadRequestError('atLeast must be a non-negative integer');
    atLeast = Number(atLeastText);
  }
  const property = optionalString(source, 'property');
  return {
    resources: strings(source, resourceName),
    user: optionalString(source, 'user'),
    action: optionalString(source, 'action'),
    property: property === undefined || property === '' ? '_self' : property,
    withScopes: source.has('withScopes'),
    withIndividualAnswers: source.has('withIndividualAnswers'),
    atLeast,
    subject: optionalString(source, 'subject'),
    sharingSet: strings(source, 'sharingSet'),
  };
}

export function requireAction(question: Question, url: string): string {
  if (question.action === undefined || question.action === '') {
    throw new BadRequestError(`action query parameter must be provided: ${url}`);
  }
  return question.action;
}
