import { ConflictError } from '@permissions/model';

/**
 * How a write transaction can fail that its function did not decide: Postgres aborted it to break a deadlock or a
 * serialization conflict (run it again), or a deferred constraint refused what it left behind at COMMIT.
 */

/** Attempts of one write in all; the conflicts retried are rare (two writes closing a cycle), a loop would be a bug. */
export const MAX_WRITE_ATTEMPTS = 4;

const DEADLOCK_DETECTED = '40P01';
const SERIALIZATION_FAILURE = '40001';
const FOREIGN_KEY_VIOLATION = '23503';
const PARENT_EXISTS_CONSTRAINT = 'permission_parents_parent_fkey';

interface PgError {
  code?: unknown;
  constraint?: unknown;
  detail?: unknown;
}

export function isRetryable(error: unknown): boolean {
  const code = (error as PgError | null)?.code;
  return code === DEADLOCK_DETECTED || code === SERIALIZATION_FAILURE;
}

/** A short random pause, longer with each attempt, so that the two sides of a deadlock do not meet again. */
export function pause(attempt: number): Promise<void> {
  const ms = Math.round(Math.random() * 10 * attempt);
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * The parents constraint (migration 1765200000000) is checked at COMMIT. Its violation means the transaction left a
 * document naming a parent that has no document: one was named that never existed, or a parent was deleted while
 * heirs still named it. Services check both under locks first; this is the guarantee behind them.
 */
export function translateCommitError(error: unknown): unknown {
  const pg = error as PgError | null;
  if (pg?.code !== FOREIGN_KEY_VIOLATION || pg.constraint !== PARENT_EXISTS_CONSTRAINT) return error;
  const key = typeof pg.detail === 'string' ? /\)=\((.*)\) is/s.exec(pg.detail)?.[1] : undefined;
  const referenced = typeof pg.detail === 'string' && pg.detail.includes('still referenced');
  if (referenced) {
    return new ConflictError(
      `permissions for ${key ?? 'a deleted document'} are inherited by other documents; detach them first or delete with cascade`,
    );
  }
  return new ConflictError(`no permissions document for ${key ?? 'a parent'}, so it cannot be inherited from`, {
    ...(key === undefined ? {} : { parent: key }),
  });
}
