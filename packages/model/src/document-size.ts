import { BadRequestError } from './errors';

/** Largest stored resource, in bytes of its JSON (reference §4, `MAX_RECORD_SIZE`). */
export const MAX_DOCUMENT_BYTES = 100_000;

const encoder = new TextEncoder();

/** Size of a value as stored: UTF-8 bytes of its JSON, so non-ASCII principals count as the database sees them. */
export function documentSize(value: unknown): number {
  return encoder.encode(JSON.stringify(value) ?? '').length;
}

/** Throws 400 when `value` is too large to store; `what` names it in the message. */
export function assertDocumentSize(value: unknown, what: string): void {
  const size = documentSize(value);
  if (size > MAX_DOCUMENT_BYTES) {
    throw new BadRequestError(`${what} is ${size} bytes of JSON, more than the limit of ${MAX_DOCUMENT_BYTES}`, {
      size,
      limit: MAX_DOCUMENT_BYTES,
    });
  }
}
