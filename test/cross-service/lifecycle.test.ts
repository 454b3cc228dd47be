import { connect } from 'node:net';
import { freePort, isAlive, type ServiceProcess } from '@permissions/test-support/harness';
import { call, parseRaw, q, rawRequest, seqOf, startCluster, uniqueSubject, type Cluster, type User } from './support';

/**
 * Process lifecycle as an operator sees it: a burst of bad requests does not stop a runtime, SIGTERM/SIGINT end a
 * process with exit code 0 within a bound, leaving no process behind and its port closed.
 */
let cluster: Cluster;
let maintenance: ServiceProcess;
let runtime: ServiceProcess;
const P = (who: User) => cluster.principal(who);

beforeAll(async () => {
  cluster = await startCluster();
  maintenance = await cluster.start('maintenance');
  runtime = await cluster.start('runtime');
}, 90_000);
afterAll(async () => cluster?.close());

/** The processes of `pids` still alive after up to `ms` (a wrapper may exit a moment before its child). */
async function survivors(pids: number[], ms = 5000): Promise<number[]> {
  const deadline = Date.now() + ms;
  while (pids.some(isAlive) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  return pids.filter(isAlive);
}

function portIsClosed(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(true));
  });
}

describe('a runtime under a burst of 200 concurrent bad requests', () => {
  test('answers each with a 4xx and keeps answering correctly', async () => {
    const subject = uniqueSubject('burst');
    const created = await call(maintenance.url, 'POST', '/az-permissions', {
      token: await cluster.token('alice'),
      body: { _subject: subject, _self: { govern: [P('alice')], read: [P('bob')] } },
    });
    expect(created.status).toBe(201);
    const question = q({ resource: subject, user: P('bob'), action: 'read' });
    const bob = await cluster.token('bob');
    const before = await call(runtime.url, 'GET', `/az-is-allowed?${question}&atLeast=${seqOf(created)}`, {
      token: bob,
    });
    expect([before.status, before.body]).toEqual([200, true]);

    const port = runtime.port;
    const jsonPost = (body: string, type = 'application/json') =>
      fetch(`${runtime.url}/az-is-allowed`, {
        method: 'POST',
        headers: { authorization: `Bearer ${bob}`, 'content-type': type },
        body,
      }).then(async (res) => ({ status: res.status, body: (await res.json()) as unknown }));
    const get = (path: string, token = bob) =>
      fetch(runtime.url + path, { headers: { authorization: `Bearer ${token}` } }).then(async (res) => ({
        status: res.status,
        text: await res.text(),
      }));
    const questionBody = JSON.stringify({ resource: subject, user: P('bob'), action: 'read' });
    const expired = await cluster.idp.tokenFor('bob', { expiresIn: -60 });

    type Probe = { kind: string; run: () => Promise<unknown>; expected: unknown };
    const probes: Probe[] = [];
    const add = (count: number, probe: Probe) => {
      for (let i = 0; i < count; i++) probes.push(probe);
    };
    add(30, {
      kind: 'malformed JSON',
      run: () => jsonPost('{"resource": ['),
      expected: { status: 400, body: { msg: expect.stringMatching(/^invalid JSON: /) } },
    });
    add(15, {
      kind: 'JSON of the wrong types',
      run: () => jsonPost(JSON.stringify({ resource: 5, user: [1], action: {} })),
      expected: { status: 400, body: { msg: 'resource values must be non-empty strings' } },
    });
    add(15, {
      kind: 'a JSON array nested 50 000 deep',
      run: () => jsonPost('['.repeat(50_000) + ']'.repeat(50_000)),
      expected: { status: 400, body: { msg: expect.any(String) } },
    });
    add(10, {
      kind: 'a body that is not JSON',
      run: () => jsonPost(questionBody, 'text/plain'),
      expected: { status: 415, body: { msg: 'the request body must be JSON (application/json), not text/plain' } },
    });
    add(10, {
      kind: 'a 2 MB body',
      run: () => jsonPost(`{"resource":"${'x'.repeat(2_000_000)}"}`),
      expected: { status: 413, body: { msg: 'request body too large' } },
    });
    add(20, {
      kind: 'a 40 kB query string (beyond what Node.js accepts in a request line)',
      run: () => get(`/az-is-allowed?${question}&resource=${'a'.repeat(40_000)}`).then((r) => r.status),
      expected: 431,
    });
    add(20, {
      kind: 'a 12 kB resource in the query string',
      run: () =>
        get(`/az-is-allowed?${q({ resource: `${subject}/${'a'.repeat(12_000)}`, user: P('bob'), action: 'read' })}`),
      expected: { status: 200, text: 'null' },
    });
    add(15, {
      kind: 'an expired token',
      run: () => get(`/az-is-allowed?${question}`, expired).then((r) => ({ ...r, text: JSON.parse(r.text) })),
      expected: {
        status: 401,
        text: { msg: 'must provide valid Bearer token', reason: 'expired', header: 'authorization' },
      },
    });
    add(20, {
      kind: 'absolute-form GET http://host/az-is-allowed (raw socket)',
      run: async () =>
        parseRaw(
          await rawRequest(
            port,
            `GET http://127.0.0.1:${port}/az-is-allowed?${question} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n` +
              `Authorization: Bearer ${bob}\r\nConnection: close\r\n\r\n`,
          ),
        ),
      expected: { status: 200, body: true },
    });
    add(20, {
      kind: 'absolute-form POST http://host/az-is-allowed with a JSON body (raw socket)',
      run: async () =>
        parseRaw(
          await rawRequest(
            port,
            `POST http://127.0.0.1:${port}/az-is-allowed HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n` +
              `Authorization: Bearer ${bob}\r\nContent-Type: application/json\r\n` +
              `Content-Length: ${Buffer.byteLength(questionBody)}\r\nConnection: close\r\n\r\n${questionBody}`,
          ),
        ),
      expected: { status: 200, body: true },
    });
    add(15, {
      kind: 'a garbage request line (raw socket)',
      run: async () => parseRaw(await rawRequest(port, 'NOT-HTTP \u0000\u0001 at all\r\n\r\n')).status,
      expected: 400,
    });
    add(10, {
      kind: 'a truncated JSON body: Content-Length larger than what is sent (raw socket)',
      run: async () =>
        parseRaw(
          await rawRequest(
            port,
            `POST /az-is-allowed HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${bob}\r\n` +
              `Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"resource":`,
          ),
        ),
      // Our side is closed after the partial body: the server's client-error handler answers a JSON 400 and closes.
      expected: { status: 400, body: { msg: 'malformed HTTP request' } },
    });
    expect(probes).toHaveLength(200);

    const results = await Promise.all(probes.map((p) => p.run().catch((err: Error) => `failed: ${err.message}`)));
    const wrong = probes.flatMap((probe, i) => {
      try {
        expect(results[i]).toEqual(probe.expected);
        return [];
      } catch {
        return [`${probe.kind}: ${JSON.stringify(results[i]).slice(0, 300)}`];
      }
    });
    expect([...new Set(wrong)]).toEqual([]);

    expect(runtime.process.exitCode).toBeNull();
    expect((await call(runtime.url, 'GET', '/health')).status).toBe(200);
    const after = await call(runtime.url, 'GET', `/az-is-allowed?${question}`, { token: bob });
    expect([after.status, after.body]).toEqual([200, true]);
    const carol = await call(
      runtime.url,
      'GET',
      `/az-is-allowed?${q({ resource: subject, user: P('carol'), action: 'read' })}`,
      {
        token: await cluster.token('carol'),
      },
    );
    expect([carol.status, carol.body]).toEqual([200, null]);
  }, 60_000);
});

describe('SIGTERM to a service process', () => {
  test.each(['maintenance', 'teams', 'runtime', 'migration'] as const)(
    '%s exits 0 within 15 s, leaving no process behind and its port closed',
    async (name) => {
      const proc = await cluster.start(name);
      const below = proc.descendants(); // none expected (node runs the service itself), checked after exit anyway
      const ended = await proc.signal('SIGTERM', 15_000);
      expect({ ended, output: ended?.code === 0 ? '' : proc.output() }).toEqual({
        ended: { code: 0, signal: null },
        output: '',
      });
      expect(await survivors(below)).toEqual([]);
      expect(await portIsClosed(proc.port)).toBe(true);
      if (name === 'runtime') {
        // It unregistered itself: writers stop broadcasting to an address nobody serves.
        const { rows } = await cluster.db.pool.query('SELECT url FROM listeners WHERE url = $1', [proc.url]);
        expect(rows).toEqual([]);
      }
    },
    30_000,
  );

  test('`pnpm start:service runtime`: SIGTERM to its process group stops everything gracefully', async () => {
    // A terminal or a process manager signals the whole group: pnpm and the service it runs (the script `exec`s
    // node, so no shell stands between them). The service must end cleanly, and so must pnpm.
    const proc = await cluster.start('runtime', {}, { via: 'pnpm' });
    const below = proc.descendants();
    expect(below.length).toBeGreaterThanOrEqual(1); // the service's node
    expect(await proc.signal('SIGTERM', 15_000)).toEqual({ code: 0, signal: null });
    expect(await survivors(below, 15_000)).toEqual([]);
    expect(await portIsClosed(proc.port)).toBe(true);
    // Unregistered from the listeners: its close() ran, it was not killed.
    const { rows } = await cluster.db.pool.query('SELECT url FROM listeners WHERE url = $1', [proc.url]);
    expect({ rows, output: rows.length > 0 ? proc.output() : '' }).toEqual({ rows: [], output: '' });
  }, 30_000);
});

describe('graceful shutdown', () => {
  // Requests in progress when SIGTERM arrives are answered before the process exits (drain, then close).
  test('a question in flight when SIGTERM arrives still gets an HTTP answer', async () => {
    const proc = await cluster.start('runtime');
    const token = await cluster.token('alice');
    // atLeast a sequence number nobody has written: the runtime waits (MIN_SEQUENCE_WAIT_MS) before answering.
    const path = `/az-is-allowed?${q({ resource: '/', user: P('alice'), action: 'read', atLeast: 999_999_999 })}`;
    const inFlight = fetch(proc.url + path, { headers: { authorization: `Bearer ${token}` } }).then(
      async (res) => ({ status: res.status, body: (await res.json()) as unknown }),
      (err: Error & { cause?: { code?: string } }) => ({ error: err.cause?.code ?? err.message }),
    );
    await new Promise((r) => setTimeout(r, 300)); // the request has reached the runtime and waits
    expect(await proc.signal('SIGTERM', 15_000)).toEqual({ code: 0, signal: null });
    expect(await inFlight).toEqual({ status: 503, body: expect.objectContaining({ msg: expect.any(String) }) });
  }, 30_000);
});

describe('the all-in-one launcher with DATABASE_URL set', () => {
  test('serves all four services, then shuts down on SIGINT and frees its ports', async () => {
    const legacyPort = await freePort();
    const proc = await cluster.start('all-in-one', { LEGACY_RBAC_PORT: String(legacyPort) });
    const below = proc.descendants();
    const token = await cluster.token('alice');
    const subject = uniqueSubject('all-in-one');
    const created = await call(proc.url, 'POST', '/az-permissions', {
      token,
      body: { _subject: subject, _self: { govern: [P('alice')], read: [P('alice')] } },
    });
    expect(created.status).toBe(201);
    const asked = await call(
      proc.url,
      'GET',
      `/az-is-allowed?${q({ resource: subject, user: P('alice'), action: 'read', atLeast: seqOf(created) })}`,
      { token },
    );
    expect([asked.status, asked.body]).toEqual([200, true]);
    // No embedded Postgres: the document went to the database of DATABASE_URL.
    const { rows } = await cluster.db.pool.query('SELECT subject FROM permissions WHERE subject = $1', [subject]);
    expect(rows).toEqual([{ subject }]);
    expect(await portIsClosed(legacyPort)).toBe(false); // the stand-in legacy RBAC system it started

    const ended = await proc.signal('SIGINT', 15_000);
    expect({ ended, output: ended?.code === 0 ? '' : proc.output() }).toEqual({
      ended: { code: 0, signal: null },
      output: '',
    });
    expect(await survivors(below)).toEqual([]);
    expect(await portIsClosed(proc.port)).toBe(true);
    expect(await portIsClosed(legacyPort)).toBe(true);
  }, 60_000);
});
