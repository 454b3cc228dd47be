import { isUtf8 } from 'node:buffer';
import type { IncomingMessage } from 'node:http';
import { BadRequestError, PayloadTooLargeError, UnsupportedMediaTypeError } from '@permissions/model';

/** A parsed JSON body with its exact bytes (the signed event broadcast is checked against them). */
export interface JsonBody {
  value: unknown;
  raw: Buffer;
}

/** JSON and its `+json` forms (merge patch, JSON patch): what "a JSON body" means on every route. */
const JSON_MEDIA_TYPE = /json\s*(;.*)?$/i;
const CHARSET = /;\s*charset\s*=\s*"?([^";\s]+)/i;

/** True when the request says its body is JSON, or says nothing about it (reference §4). */
export function isJsonMediaType(type: string | undefined): boolean {
  return type === undefined || JSON_MEDIA_TYPE.test(type);
}

/** Whether a request carries a body at all (a length above zero, or a chunked one). */
export function hasBody(req: IncomingMessage): boolean {
  return req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
}

/**
 * Reads a JSON request body by the rules every route shares (CONTRACT §4.7): a media type that is not JSON is a 415,
 * so is a charset other than UTF-8 or a compressed body; over `limitBytes` is a 413 (refused from Content-Length
 * before reading when it says so); bytes that are not UTF-8 and text that is not JSON are a 400 saying so. No body
 * (or only white space) is `undefined`: each route says what it expected. A refused body is drained, so the
 * connection stays usable.
 */
export async function readJsonBody(req: IncomingMessage, limitBytes: number): Promise<JsonBody | undefined> {
  if (!hasBody(req)) {
    req.resume();
    return undefined;
  }
  const type = req.headers['content-type'];
  try {
    if (!isJsonMediaType(type)) {
      throw new UnsupportedMediaTypeError(`the request body must be JSON (application/json), not ${type}`);
    }
    const charset = CHARSET.exec(type ?? '')?.[1];
    if (charset !== undefined && !/^utf-?8$/i.test(charset)) {
      throw new UnsupportedMediaTypeError(`unsupported charset "${charset.toUpperCase()}"`);
    }
    const encoding = req.headers['content-encoding'];
    if (encoding !== undefined && encoding.toLowerCase() !== 'identity') {
      throw new UnsupportedMediaTypeError(`unsupported content encoding "${encoding}"`);
    }
    if (Number(req.headers['content-length'] ?? 0) > limitBytes) throw tooLarge();
  } catch (err) {
    req.resume();
    throw err;
  }
  const raw = await readAll(req, limitBytes);
  // Checked before decoding: Buffer#toString would turn invalid bytes into U+FFFD silently.
  if (!isUtf8(raw)) throw new BadRequestError('the request body is not valid UTF-8');
  const text = raw.toString('utf8');
  if (text.trim() === '') return undefined;
  try {
    return { value: JSON.parse(text) as unknown, raw };
  } catch (err) {
    throw new BadRequestError(`invalid JSON: ${(err as Error).message}`);
  }
}

function tooLarge(): PayloadTooLargeError {
  return new PayloadTooLargeError('request body too large');
}

function readAll(req: IncomingMessage, limitBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    req.on('data', (chunk: Buffer) => {
      if (failed) return;
      size += chunk.length;
      if (size > limitBytes) {
        failed = true;
        chunks.length = 0;
        reject(tooLarge());
        return;
      }
      chunks.push(chunk);
    });
    req.on('error', (err) => {
      failed = true;
      reject(new BadRequestError(`request aborted: ${err.message}`));
    });
    req.on('end', () => {
      if (!failed) resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size));
    });
  });
}
