import { BadRequestError } from './errors';

/**
 * What one principal may make the service store and walk (CONTRACT §4.10): each bound is refused with a 400 that
 * names it and its value, before anything is written (so a refused write takes no event number either).
 */

/**
 * Longest subject (a document's `_subject`, a parent, a role base, a valid issuer), in UTF-8 bytes. Subjects are
 * keys of composite btree indexes (a document and its parent, a document and a principal it is shared with), and a
 * btree row must fit in about 2 700 bytes: two of these and a principal's worth of room do.
 */
export const MAX_SUBJECT_BYTES = 1280;

/** Longest principal (a user, a client, a team URL or a wildcard), in UTF-8 bytes; same reason as subjects. */
export const MAX_PRINCIPAL_BYTES = 1280;

/** Most parents one document may name in `_inheritsPermissionsOf`. */
export const MAX_PARENTS_PER_DOCUMENT = 64;

/** Most distinct principals one document may name across all its action maps, and most members of one team. */
export const MAX_PRINCIPALS_PER_DOCUMENT = 1000;

/**
 * Most documents on one inheritance chain: a document without parents is at depth 1, its heirs at 2, and so on.
 * Every question walks a resource's whole chain, so the chain a write creates is bounded where it is created.
 */
export const MAX_INHERITANCE_DEPTH = 32;

/**
 * Most teams a principal may be made a member of by others. Every request of a principal loads all his teams, so
 * whoever could put him in thousands of large teams could make each of his requests slow. Adding oneself is one's
 * own choice and is not limited; leaving a team is always possible.
 */
export const MAX_TEAMS_PER_MEMBER = 100;

/**
 * Most documents in one bulk write (`POST /az-permissions-bulk`): every one is judged in one transaction, which
 * holds its locks until the last is written, so the batch is bounded like everything one principal may send.
 */
export const MAX_BULK_DOCUMENTS = 10_000;

/**
 * Most documents and teams naming one principal that `POST /az-principals-removal` considers in one transaction
 * (beyond it: 409 naming the bound, nothing changed).
 */
export const MAX_REMOVAL_TARGETS = 10_000;

const encoder = new TextEncoder();

export function utf8Length(value: string): number {
  return encoder.encode(value).length;
}

/** 400 when `value` (a subject, named by `what`) is longer than MAX_SUBJECT_BYTES. */
export function assertSubjectLength(value: string, what: string): void {
  const length = utf8Length(value);
  if (length > MAX_SUBJECT_BYTES) {
    throw new BadRequestError(
      `${what} is ${length} bytes long (UTF-8), more than the limit of ${MAX_SUBJECT_BYTES} bytes for a subject`,
      { limit: MAX_SUBJECT_BYTES, length },
    );
  }
}

/** 400 when a principal in `where` is longer than MAX_PRINCIPAL_BYTES. */
export function assertPrincipalLength(principal: string, where: string): void {
  const length = utf8Length(principal);
  if (length > MAX_PRINCIPAL_BYTES) {
    throw new BadRequestError(
      `a principal in ${where} is ${length} bytes long (UTF-8), more than the limit of ${MAX_PRINCIPAL_BYTES} bytes`,
      { limit: MAX_PRINCIPAL_BYTES, length },
    );
  }
}

/** 400 when more than MAX_PRINCIPALS_PER_DOCUMENT distinct principals are named in `what`. */
export function assertPrincipalCount(count: number, what: string): void {
  if (count > MAX_PRINCIPALS_PER_DOCUMENT) {
    throw new BadRequestError(
      `${what} names ${count} distinct principals, more than the limit of ${MAX_PRINCIPALS_PER_DOCUMENT}`,
      { limit: MAX_PRINCIPALS_PER_DOCUMENT, count },
    );
  }
}
