/**
 * Typed failures shared by every layer. Only the HTTP kit's `sendError` turns them into a status and `{"msg"}`;
 * callers check them with `instanceof`.
 */
export class AppError extends Error {
  readonly status: number = 500;
  /** Extra members merged into the JSON error body next to `msg`. */
  readonly details: Record<string, unknown>;
  constructor(message: string, details: Record<string, unknown> = {}) {
    super(message);
    this.name = new.target.name;
    this.details = details;
  }
}

export class BadRequestError extends AppError {
  override readonly status = 400;
}
export class UnauthorizedError extends AppError {
  override readonly status = 401;
}
export class ForbiddenError extends AppError {
  override readonly status = 403;
}
export class NotFoundError extends AppError {
  override readonly status = 404;
}
export class MethodNotAllowedError extends AppError {
  override readonly status = 405;
  constructor(
    message: string,
    readonly allow: string[],
  ) {
    super(message);
  }
}
export class ConflictError extends AppError {
  override readonly status = 409;
}
export class PreconditionFailedError extends AppError {
  override readonly status = 412;
}
export class PayloadTooLargeError extends AppError {
  override readonly status = 413;
}
export class UnsupportedMediaTypeError extends AppError {
  override readonly status = 415;
}
/** A dependency (database, issuer, legacy system) is unavailable or too slow; retrying may succeed. */
export class UnavailableError extends AppError {
  override readonly status = 503;
}
