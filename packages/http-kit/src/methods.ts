import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { MethodNotAllowedError } from '@permissions/model';

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
export type Handler = (req: Request, res: Response) => Promise<void> | void;

/**
 * Dispatches one path by method; any other method gets 405 with `Allow` (reference §4). HEAD is answered as GET.
 * Mount with `router.all(path, byMethod({...}))`.
 */
export function byMethod(handlers: Partial<Record<Method, Handler>>): RequestHandler {
  const allow = Object.keys(handlers);
  const dispatch = async (req: Request, res: Response, next: NextFunction) => {
    const method = (req.method === 'HEAD' ? 'GET' : req.method) as Method;
    const handler = handlers[method];
    if (!handler) return next(new MethodNotAllowedError(`method ${req.method} not allowed for ${req.path}`, allow));
    try {
      await handler(req, res);
    } catch (err) {
      next(err);
    }
  };
  SERVED.set(dispatch, allow);
  return dispatch;
}

const SERVED = new WeakMap<object, string[]>();

/** The methods a `byMethod` handler serves (for the contract test that walks a router); undefined for others. */
export function methodsServedBy(handler: unknown): string[] | undefined {
  return typeof handler === 'function' ? SERVED.get(handler) : undefined;
}
