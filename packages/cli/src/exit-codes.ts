import { ImportRefused } from '@permissions/bulk-io';
import { PermissionsApiError } from '@permissions/client';

/**
 * What `pnpm permissions` exits with, for scripts (README "The command line"). A refusal by the service maps by
 * its status; anything else (a network error, a 5xx after the retries) is 6.
 */
export const EXIT = {
  ok: 0,
  /** `check`: the answer was false or null. */
  denied: 1,
  /** Bad arguments, or a request the service refused as malformed (400). */
  usage: 2,
  notFound: 3,
  /** 409 (exists, has heirs…) or 412 (the document changed since it was read). */
  conflict: 4,
  /** 401 or 403: no valid token, or not allowed. */
  refused: 5,
  unavailable: 6,
} as const;

export function exitCodeOf(err: unknown): number {
  // Documents of an import refused (listed by line), or a progress file that is not the file's: as a 400.
  if (err instanceof UsageError || err instanceof ImportRefused) return EXIT.usage;
  if (!(err instanceof PermissionsApiError)) return EXIT.unavailable;
  switch (err.status) {
    case 400:
    case 413:
    case 415:
      return EXIT.usage;
    case 404:
      return EXIT.notFound;
    case 409:
    case 412:
      return EXIT.conflict;
    case 401:
    case 403:
      return EXIT.refused;
    default:
      return EXIT.unavailable;
  }
}

export class UsageError extends Error {}
