import { z } from 'zod';
import { BadRequestError } from '@permissions/model';

export type InputLocation = 'query' | 'header' | 'body';

const WHERE: Record<InputLocation, string> = { query: 'query parameter', header: 'header', body: 'body member' };

/** Marks messages made here, so that a schema's own message (kept word for word from before) is left alone. */
const GENERATED = '\u0000';

function pathText(path: ReadonlyArray<PropertyKey>): string {
  return path
    .map((p) => (typeof p === 'number' ? `[${p}]` : String(p)))
    .join('.')
    .replace(/\.\[/g, '[');
}

/**
 * What a 400 says when a schema has no message of its own: where (query parameter, header, body member), which
 * field, and what was expected, e.g. `query parameter "atLeast": expected a non-negative integer`.
 */
function generatedMessage(location: InputLocation, issue: z.core.$ZodRawIssue): string {
  const path = issue.path ?? [];
  const field = pathText(path);
  const input = issue.input;
  if (location === 'query' && issue.code === 'invalid_type' && Array.isArray(input)) {
    return `${GENERATED}${field} must be given at most once`;
  }
  if (issue.code === 'invalid_type' && input === undefined && path.length > 0) {
    return `${GENERATED}${WHERE[location]} "${field}" is required`;
  }
  const english = z.locales.en().localeError(issue);
  const text = (typeof english === 'string' ? english : (english?.message ?? 'invalid')).replace(
    /^Invalid input: /,
    '',
  );
  if (path.length === 0) return `${GENERATED}${location === 'body' ? 'the request body' : WHERE[location]}: ${text}`;
  return `${GENERATED}${WHERE[location]} "${field}": ${text}`;
}

/**
 * Parses one part of a request with its declared schema; a failure is a 400 `{"msg"}` naming the field and what is
 * expected (the schema's own message when it has one: existing messages are kept word for word).
 */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown, location: InputLocation): z.output<S> {
  const result = schema.safeParse(value, { error: (issue) => generatedMessage(location, issue) });
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const message = issue.message.startsWith(GENERATED) ? issue.message.slice(1) : issue.message;
  throw new BadRequestError(message);
}
