/**
 * A refusal or failure answered by a service: its status and `msg` (every error body is `{"msg": …}`), and the whole
 * body for the members some errors add (`heirs`, `subject`, `requestId`…). `instanceof` one of the subclasses to
 * handle a kind of answer.
 */
export class PermissionsApiError extends Error {
  override readonly name: string = 'PermissionsApiError';
  constructor(
    readonly status: number,
    readonly msg: string,
    readonly body: unknown,
    readonly method: string,
    readonly url: string,
  ) {
    super(`${method} ${url} answered ${status}: ${msg}`);
  }
}

export class BadRequestError extends PermissionsApiError {
  override readonly name = 'BadRequestError';
}
export class UnauthorizedError extends PermissionsApiError {
  override readonly name = 'UnauthorizedError';
}
export class ForbiddenError extends PermissionsApiError {
  override readonly name = 'ForbiddenError';
}
export class NotFoundError extends PermissionsApiError {
  override readonly name = 'NotFoundError';
}
export class ConflictError extends PermissionsApiError {
  override readonly name = 'ConflictError';
}
/** `If-Match` missing or stale: read again, re-apply the change, send it with the new ETag. */
export class PreconditionFailedError extends PermissionsApiError {
  override readonly name = 'PreconditionFailedError';
}
export class GoneError extends PermissionsApiError {
  override readonly name = 'GoneError';
}
export class TooManyRequestsError extends PermissionsApiError {
  override readonly name = 'TooManyRequestsError';
}
/** Still 503 after the retries (database unreachable, or `atLeast` not reached in time). */
export class UnavailableError extends PermissionsApiError {
  override readonly name = 'UnavailableError';
}

const BY_STATUS: Record<number, typeof PermissionsApiError> = {
  400: BadRequestError,
  401: UnauthorizedError,
  403: ForbiddenError,
  404: NotFoundError,
  409: ConflictError,
  410: GoneError,
  412: PreconditionFailedError,
  429: TooManyRequestsError,
  503: UnavailableError,
};

export function errorFor(status: number, body: unknown, method: string, url: string): PermissionsApiError {
  const msg =
    typeof body === 'object' && body !== null && typeof (body as { msg?: unknown }).msg === 'string'
      ? (body as { msg: string }).msg
      : typeof body === 'string' && body !== ''
        ? body
        : `HTTP ${status}`;
  const Kind = BY_STATUS[status] ?? PermissionsApiError;
  return new Kind(status, msg, body, method, url);
}
