/**
 * Typed failures shared by every layer, named for what went wrong, not for how a protocol reports it: the HTTP kit's
 * error mapping is the only code that turns them into a status and `{"msg"}`. Callers check them with `instanceof`.
 */
export class AppError extends Error {
  /** Extra members merged into the JSON error body next to `msg`. */
  readonly details: Record<string, unknown>;
  constructor(message: string, details: Record<string, unknown> = {}) {
    super(message);
    this.name = new.target.name;
    this.details = details;
  }
}

/** The request itself is wrong: bad input, a refused inheritance change, a broken rule of the model. */
export class BadRequestError extends AppError {}
/** No (valid) identity where one is needed. */
export class UnauthorizedError extends AppError {}
/** The identity is known and not allowed. */
export class ForbiddenError extends AppError {}
export class NotFoundError extends AppError {}
/** The resource exists but does not take this method; `allow` lists the ones it takes. */
export class MethodNotAllowedError extends AppError {
  constructor(
    message: string,
    readonly allow: string[],
  ) {
    super(message);
  }
}
/** The write conflicts with the current state (it exists already, heirs still depend on it…). */
export class ConflictError extends AppError {}
/** The client's precondition (If-Match) does not hold. */
export class PreconditionFailedError extends AppError {}
export class PayloadTooLargeError extends AppError {}
export class UnsupportedMediaTypeError extends AppError {}
/** The caller asked too much too often (a bound per caller); retrying later may succeed. */
export class TooManyRequestsError extends AppError {}
/** A dependency (database, issuer, legacy system) is unavailable or too slow; retrying may succeed. */
export class UnavailableError extends AppError {}
