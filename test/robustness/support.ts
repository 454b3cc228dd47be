import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import type { Response } from 'supertest';
import type { Stack } from '@permissions/test-support/harness';

/** Rows a write could leave behind; equal before and after a refused request proves nothing was stored. */
export interface RowCounts {
  permissions: number;
  teams: number;
  events: number;
  migrations: number;
}

export async function rowCounts(stack: Stack): Promise<RowCounts> {
  const { rows } = await stack.db.pool.query<Record<keyof RowCounts, string>>(
    `SELECT (SELECT count(*) FROM permissions) AS permissions, (SELECT count(*) FROM teams) AS teams,
            (SELECT count(*) FROM events) AS events, (SELECT count(*) FROM migrations) AS migrations`,
  );
  const r = rows[0];
  return {
    permissions: Number(r.permissions),
    teams: Number(r.teams),
    events: Number(r.events),
    migrations: Number(r.migrations),
  };
}

/** A client error as the contract wants it: the status, a JSON body and a `msg` saying what was wrong. */
export function expectClientError(
  res: { status: number; headers: Record<string, string>; body: unknown },
  status: number,
  msg: RegExp,
): void {
  // One assertion on status and body together, so a failure shows what the server really answered.
  expect({ status: res.status, body: res.body }).toMatchObject({ status, body: { msg: expect.stringMatching(msg) } });
  expect(res.headers['content-type']).toMatch(/^application\/json/);
}

/** A distinct subject under example.com for one test. */
export function uniqueSubject(label: string): string {
  return `http://example.com/${label}-${randomBytes(4).toString('hex')}`;
}

export const auth = (token: string) => ({ Authorization: `Bearer ${token}` });

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  text: string;
  body: unknown;
}

/**
 * One request written byte for byte on a socket, for what an HTTP client refuses to send (spaces, raw unicode or
 * a 100 kB target). The connection is closed by the request, so the whole answer is read until the end.
 */
export function rawRequest(
  url: string,
  request: { method: string; target: string; headers?: Record<string, string>; body?: Buffer | string },
): Promise<RawResponse> {
  const { hostname, port } = new URL(url);
  const body = request.body === undefined ? Buffer.alloc(0) : Buffer.from(request.body);
  const headers: Record<string, string> = {
    host: `${hostname}:${port}`,
    connection: 'close',
    ...(body.length > 0 ? { 'content-length': String(body.length) } : {}),
    ...request.headers,
  };
  const head =
    `${request.method} ${request.target} HTTP/1.1\r\n` +
    Object.entries(headers)
      .map(([k, v]) => `${k}: ${v}\r\n`)
      .join('') +
    '\r\n';
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    const chunks: Buffer[] = [];
    socket.setTimeout(20_000, () => socket.destroy(new Error('no answer within 20 s')));
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('end', () => resolve(parseResponse(Buffer.concat(chunks))));
    socket.write(Buffer.concat([Buffer.from(head, 'utf8'), body]));
  });
}

function parseResponse(bytes: Buffer): RawResponse {
  const split = bytes.indexOf('\r\n\r\n');
  const head = bytes.subarray(0, split < 0 ? bytes.length : split).toString('latin1');
  const [statusLine, ...lines] = head.split('\r\n');
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  let payload = split < 0 ? Buffer.alloc(0) : bytes.subarray(split + 4);
  if (headers['transfer-encoding'] === 'chunked') payload = dechunk(payload);
  const text = payload.toString('utf8');
  let body: unknown = undefined;
  try {
    body = text === '' ? undefined : JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { status: Number(statusLine.split(' ')[1]), headers, text, body };
}

function dechunk(payload: Buffer): Buffer {
  const parts: Buffer[] = [];
  let at = 0;
  while (at < payload.length) {
    const end = payload.indexOf('\r\n', at);
    const size = parseInt(payload.subarray(at, end).toString('latin1'), 16);
    if (!size) break;
    parts.push(payload.subarray(end + 2, end + 2 + size));
    at = end + 2 + size + 2;
  }
  return Buffer.concat(parts);
}

/** `depth` nested arrays around a string: valid JSON that recursive code cannot walk. */
export function deeplyNested(depth: number, open = '[', close = ']'): string {
  return `${open.repeat(depth)}"x"${close.repeat(depth)}`;
}

/** `depth` nested objects `{"a":{"a":…}}`. */
export function deeplyNestedObject(depth: number): string {
  return `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
}

export type SupertestResponse = Response;
