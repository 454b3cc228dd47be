import type { Request, Response } from 'express';
import { identityOf } from './auth-middleware';
import { etagOf } from './etag';
import type { Requester } from '@permissions/model';

/** Header values must be printable ASCII; subjects are URLs chosen by clients, so anything else is escaped. */
const PRINTABLE = /^[\x21-\x7e]*$/;
export function headerSafe(value: string): string {
  return PRINTABLE.test(value) ? value : value.replace(/[^\x21-\x7e]/g, (c) => encodeURIComponent(c));
}

export interface WriteHeaders {
  seq?: number | null;
  etagSeq?: number;
  location?: string;
}

/** Sets ETag, X-Event-Sequence (read-your-writes, CONTRACT §5) and Location as a write answer carries them. */
export function setWriteHeaders(res: Response, headers: WriteHeaders): void {
  if (headers.etagSeq !== undefined) res.setHeader('ETag', etagOf(headers.etagSeq));
  if (headers.seq !== undefined && headers.seq !== null) res.setHeader('X-Event-Sequence', String(headers.seq));
  if (headers.location !== undefined) res.setHeader('Location', headerSafe(headers.location));
}

export function setContentLocation(req: Request, res: Response): void {
  res.setHeader('Content-Location', headerSafe(req.originalUrl));
}

/** The principals of a request, as commands take them. */
export function requesterOf(res: Response): Requester {
  const identity = identityOf(res);
  return { user: identity.user?.principal ?? null, client: identity.client?.principal ?? null };
}
