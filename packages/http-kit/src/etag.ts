import { PreconditionFailedError } from '@permissions/model';

/** ETags are the event sequence number of the last write: `e{seq}` (compatible with the original's `e…` form). */
export function etagOf(seq: number): string {
  return `e${seq}`;
}

/**
 * Enforces `If-Match` against the current version (reference §4: missing or different → 412). Accepts what HTTP
 * allows: `*` (any current version), a list of tags, and the bare form the original sent (`e12`) as well as the
 * quoted one (`"e12"`). Weak tags (`W/"e12"`) are accepted too: our tags change with every write, so a weak match
 * is an exact one.
 */
export function assertIfMatch(header: string | undefined, currentSeq: number): void {
  if (header === undefined || header.trim() === '') throw new PreconditionFailedError('missing If-Match header');
  if (header.trim() === '*') return;
  const current = etagOf(currentSeq);
  const tags = header.split(',').map((tag) =>
    tag
      .trim()
      .replace(/^W\//, '')
      .replace(/^"(.*)"$/, '$1'),
  );
  if (!tags.includes(current)) {
    throw new PreconditionFailedError(`If-Match header does not match etag ${current}`);
  }
}
