import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import { createTestDatabase, type TestDatabase } from '@permissions/store/test-support';
import { DEFAULT_CLIENT, startDevIdp, type DevIdp } from '@permissions/dev-stand-ins/idp';
import {
  contractEnv,
  createResponseChecker,
  startProcess,
  type ProcessKind,
  type RecordedResponse,
  type ServiceProcess,
} from '@permissions/test-support/harness';
import { createPermissionsClient, type ClientOptions, type PermissionsClient } from '@permissions/client';

/**
 * What the cross-service tests share: one test database, the dev identity provider, and service processes started
 * exactly as CONTRACT §2 says (`pnpm start` / `pnpm start:service NAME` with its environment variables).
 */
export type User = 'alice' | 'bob' | 'carol' | 'dave';

export interface Cluster {
  db: TestDatabase;
  idp: DevIdp;
  /** The environment every process of the cluster gets (before its own additions). */
  env: Record<string, string>;
  eventsSecret: string;
  /** Starts one more process of the cluster; stopped by close(). */
  start(
    what: ProcessKind,
    extra?: Record<string, string>,
    options?: { via?: 'node' | 'pnpm' },
  ): Promise<ServiceProcess>;
  principal(who: User): string;
  token(who: User): Promise<string>;
  /** @permissions/client for `who` (a fresh token per request) against the all-in-one or each service's process. */
  client(who: User, baseUrl: ClientOptions['baseUrl'], options?: Partial<ClientOptions>): PermissionsClient;
  close(): Promise<void>;
}

export async function startCluster(): Promise<Cluster> {
  const db = await createTestDatabase();
  const idp = await startDevIdp({ port: 0 });
  const eventsSecret = randomBytes(24).toString('hex');
  const env = contractEnv({
    databaseUrl: db.url,
    issuers: [idp.issuer],
    governors: [idp.principalOf('alice')],
    eventsSecret,
    clientId: DEFAULT_CLIENT.clientId,
    clientSecret: DEFAULT_CLIENT.secret,
  });
  const started: ServiceProcess[] = [];
  const checkers = new Map<string, (response: RecordedResponse) => string[]>();
  return {
    db,
    idp,
    env,
    eventsSecret,
    async start(what, extra = {}, options = {}) {
      const proc = await startProcess(what, { ...env, ...extra }, options);
      started.push(proc);
      const document = (await (await fetch(`${proc.url}/openapi.json`)).json()) as Record<string, unknown>;
      checkers.set(proc.url, createResponseChecker(document));
      return proc;
    },
    principal: (who) => idp.principalOf(who),
    token: (who) => idp.tokenFor(who),
    client: (who, baseUrl, options = {}) =>
      createPermissionsClient({ baseUrl, token: () => idp.tokenFor(who), ...options }),
    async close() {
      await Promise.all(started.map((p) => p.stop()));
      await idp.close();
      await db.drop();
      const mismatches = [...checkers].flatMap(([url, check]) => (answered.get(url) ?? []).flatMap(check));
      if (mismatches.length > 0) {
        throw new Error(`answers that do not match the OpenAPI document:\n${[...new Set(mismatches)].join('\n')}`);
      }
    },
  };
}

export interface Reply {
  status: number;
  headers: Headers;
  /** Parsed JSON, or the text when it is not JSON. */
  body: any;
}

export interface CallOptions {
  token?: string;
  headers?: Record<string, string>;
  /** Sent as JSON (content type application/json unless `type` says otherwise). */
  body?: unknown;
  type?: string;
}

/**
 * Every answer `call` received, by the base URL it asked: a cluster checks those of its processes against their
 * OpenAPI documents when it closes, as the harness's agent does for the services' own tests.
 */
const answered = new Map<string, RecordedResponse[]>();

/** One real HTTP request. */
export async function call(base: string, method: string, path: string, options: CallOptions = {}): Promise<Reply> {
  const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
  if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
  let body: string | undefined;
  if (options.body !== undefined) {
    headers['content-type'] = options.type ?? 'application/json';
    body = JSON.stringify(options.body);
  }
  const res = await fetch(base + path, { method, headers, body });
  const text = await res.text();
  const recorded = answered.get(base) ?? [];
  recorded.push({ method, url: path, status: res.status, headers: Object.fromEntries(res.headers), text });
  answered.set(base, recorded);
  let parsed: unknown = text;
  try {
    parsed = text === '' ? undefined : JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return { status: res.status, headers: res.headers, body: parsed };
}

export const enc = encodeURIComponent;

/** A query string; arrays repeat the parameter. */
export function q(params: Record<string, string | string[] | number | undefined>): string {
  return Object.entries(params)
    .filter(([, v]) => v !== undefined)
    .flatMap(([k, v]) => (Array.isArray(v) ? v : [String(v)]).map((x) => `${k}=${enc(x)}`))
    .join('&');
}

/** A subject no other test uses. */
export function uniqueSubject(label: string): string {
  return `http://example.com/${label}/${randomBytes(6).toString('hex')}`;
}

/**
 * Asks `ask` until `done(answer)` holds or `timeoutMs` passed; returns the last answer, so the caller's
 * `expect` shows what the service kept saying when it never converged.
 */
export async function eventually<T>(ask: () => Promise<T>, done: (answer: T) => boolean, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const answer = await ask();
    if (done(answer) || Date.now() > deadline) return answer;
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Reads the X-Event-Sequence header of a write; fails loudly when it is missing. */
export function seqOf(reply: Reply): number {
  const value = reply.headers.get('x-event-sequence');
  if (value === null || !/^\d+$/.test(value)) {
    throw new Error(`no X-Event-Sequence on ${reply.status} ${JSON.stringify(reply.body)}`);
  }
  return Number(value);
}

/** Writes `text` on a fresh connection and resolves with everything the server sent until it closed. */
export function rawRequest(port: number, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let received = '';
    socket.setTimeout(10_000, () => socket.destroy(new Error(`no answer to ${JSON.stringify(text.slice(0, 80))}`)));
    socket.on('data', (chunk) => (received += chunk.toString('utf8')));
    socket.on('close', () => resolve(received));
    socket.on('error', reject);
    socket.end(text);
  });
}

/** Status and JSON body of a raw HTTP/1.1 response. */
export function parseRaw(response: string): { status: number; body: unknown } {
  const status = Number(/^HTTP\/1\.1 (\d{3}) /.exec(response)?.[1] ?? 0);
  const text = response.slice(response.indexOf('\r\n\r\n') + 4);
  let body: unknown = text;
  try {
    body = text === '' ? undefined : JSON.parse(text);
  } catch {
    // not JSON
  }
  return { status, body };
}
