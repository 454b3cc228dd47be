import { errors } from 'jose';
import { UnauthorizedError } from '@permissions/model';

/** The `msg` of every 401, as in the original (reference §2.1); the `reason` detail says what was wrong. */
export const INVALID_TOKEN_MSG = 'must provide valid Bearer token';

export type RejectionReason =
  | 'missing'
  | 'malformed'
  | 'unknown issuer'
  | 'alg not allowed'
  | 'unknown signing key'
  | 'bad signature'
  | 'expired'
  | 'not yet valid'
  | 'audience mismatch'
  | 'issuer mismatch'
  | 'invalid claims'
  | 'no subject';

export function rejectToken(reason: RejectionReason, extra: Record<string, unknown> = {}): UnauthorizedError {
  return new UnauthorizedError(INVALID_TOKEN_MSG, { reason, ...extra });
}

/**
 * Turns a jose verification failure into the 401 the caller sees. Returns null for errors that are not about the
 * token (they are rethrown by the caller, so a bug is a 500 rather than a misleading 401).
 */
export function rejectionFor(err: unknown): UnauthorizedError | null {
  if (err instanceof errors.JWTExpired) return rejectToken('expired');
  if (err instanceof errors.JWTClaimValidationFailed) {
    switch (err.claim) {
      case 'nbf':
        return rejectToken('not yet valid');
      case 'aud':
        return rejectToken('audience mismatch');
      case 'iss':
        return rejectToken('issuer mismatch');
      default:
        return rejectToken('invalid claims', { claim: err.claim });
    }
  }
  if (err instanceof errors.JOSEAlgNotAllowed || err instanceof errors.JOSENotSupported) {
    return rejectToken('alg not allowed');
  }
  if (err instanceof errors.JWKSNoMatchingKey) return rejectToken('unknown signing key');
  if (err instanceof errors.JWSSignatureVerificationFailed) return rejectToken('bad signature');
  if (err instanceof errors.JWSInvalid || err instanceof errors.JWTInvalid) return rejectToken('malformed');
  if (err instanceof errors.JOSEError) return rejectToken('malformed');
  return null;
}
