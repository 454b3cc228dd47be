import {
  AppError,
  BadRequestError,
  ConflictError,
  ForbiddenError,
  MethodNotAllowedError,
  NotFoundError,
  PayloadTooLargeError,
  PreconditionFailedError,
  TooManyRequestsError,
  UnauthorizedError,
  UnavailableError,
  UnsupportedMediaTypeError,
} from '@permissions/model';
import type { Logger } from './logging';

/** What body-parser and other libraries attach to the errors they throw. */
interface LibraryError {
  type?: string;
  status?: number;
  statusCode?: number;
  expose?: boolean;
  message?: string;
}

export interface HttpError {
  status: number;
  body: Record<string, unknown>;
  headers?: Record<string, string>;
}

/** The status of each domain error; the model's errors name what went wrong, this says how HTTP reports it. */
const STATUS_OF: ReadonlyArray<[new (...args: never[]) => AppError, number]> = [
  [BadRequestError, 400],
  [UnauthorizedError, 401],
  [ForbiddenError, 403],
  [NotFoundError, 404],
  [MethodNotAllowedError, 405],
  [ConflictError, 409],
  [PreconditionFailedError, 412],
  [PayloadTooLargeError, 413],
  [UnsupportedMediaTypeError, 415],
  [TooManyRequestsError, 429],
  [UnavailableError, 503],
];

/** The HTTP status of a domain error (500 for an AppError of no known kind). */
export function statusOf(err: AppError): number {
  for (const [kind, status] of STATUS_OF) if (err instanceof kind) return status;
  return 500;
}

/**
 * The only mapping from a thrown value to an HTTP answer (the request pipeline writes it). Typed errors keep their message; library errors that are
 * the client's fault become a 4xx that says what was wrong; anything else (a raw pg error, a bug) becomes a generic
 * 500 whose details stay in the server log, never in `msg`.
 */
export function toHttpError(err: unknown): HttpError {
  if (err instanceof MethodNotAllowedError) {
    return { status: 405, body: { msg: err.message, ...err.details }, headers: { Allow: err.allow.join(', ') } };
  }
  if (err instanceof TooManyRequestsError && typeof err.details.retryAfter === 'number') {
    const headers = { 'Retry-After': String(err.details.retryAfter) };
    return { status: 429, body: { msg: err.message, ...err.details }, headers };
  }
  if (err instanceof AppError) return { status: statusOf(err), body: { msg: err.message, ...err.details } };
  const lib = (typeof err === 'object' && err !== null ? err : {}) as LibraryError;
  switch (lib.type) {
    case 'entity.too.large':
      return { status: 413, body: { msg: 'request body too large' } };
    case 'entity.parse.failed':
      return { status: 400, body: { msg: `invalid JSON: ${lib.message ?? 'cannot parse body'}` } };
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return { status: 415, body: { msg: lib.message ?? 'unsupported encoding' } };
    case 'request.aborted':
      return { status: 400, body: { msg: 'request aborted' } };
  }
  const status = lib.status ?? lib.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500 && lib.expose !== false) {
    return { status, body: { msg: lib.message ?? 'bad request' } };
  }
  // node-postgres connection failures and timeouts: the client may retry.
  const code = (err as { code?: unknown })?.code;
  if (code === '57014' || code === 'ECONNREFUSED' || code === '57P01' || code === '53300') {
    return { status: 503, body: { msg: 'service temporarily unavailable, retry later' } };
  }
  return { status: 500, body: { msg: 'internal error' } };
}

/**
 * How a failed request is logged. A 4xx is the client's doing: its request line says enough. A 503 we answer on
 * purpose (an `AppError`: `atLeast` not reached in time, a dependency named in the message) is logged as a warning
 * with its message and no stack. Anything else is a failure of ours: an error, with the stack.
 */
export function logRequestFailure(log: Logger, err: unknown, status: number, reqId: unknown): void {
  if (status < 500) return;
  if (err instanceof AppError && status !== 500) log.warn({ reqId, status, reason: err.message }, 'request refused');
  else log.error({ err, reqId }, 'request failed');
}
