import { PassThrough } from 'node:stream';
import { Router } from 'express';
import supertest from 'supertest';
import { BadRequestError, UnavailableError } from '@permissions/model';
import { createHttpApp, createLogger, createMetrics, logFormatOf } from '../src';
import { createTokenVerifier } from '@permissions/auth';
import { startDevIdp, type DevIdp } from '@permissions/dev-stand-ins/idp';

/** What a person or a collector reads: the format, the level of each request line, and which failures carry a stack. */
function capture(): { stream: PassThrough; lines: () => string[] } {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (chunk: Buffer) => (text += chunk.toString()));
  return { stream, lines: () => text.split('\n').filter((l) => l !== '') };
}

describe('log format', () => {
  test('LOG_FORMAT decides; otherwise pretty on a terminal and JSON into a pipe or a file', () => {
    expect(logFormatOf({ LOG_FORMAT: 'json' }, true)).toBe('json');
    expect(logFormatOf({ LOG_FORMAT: 'pretty' }, false)).toBe('pretty');
    expect(logFormatOf({}, true)).toBe('pretty');
    expect(logFormatOf({}, false)).toBe('json');
    expect(logFormatOf({}, undefined)).toBe('json');
  });

  test('pretty: one readable line per entry, time, level, component and message first', () => {
    const out = capture();
    const log = createLogger('permissions', 'info', 'pretty', out.stream);
    log.child({ component: 'runtime' }).info({ reqId: 'abc', listenerUrl: 'http://127.0.0.1:1' }, 'listening');
    expect(out.lines()).toEqual([
      expect.stringMatching(
        /^\[\d\d:\d\d:\d\d\.\d{3}\] INFO \(permissions\): runtime: listening \{"listenerUrl":"http:\/\/127\.0\.0\.1:1"\}$/,
      ),
    ]);
  });

  test('json: one JSON object per line with the service name', () => {
    const out = capture();
    createLogger('teams', 'info', 'json', out.stream).info({ n: 1 }, 'hello');
    expect(JSON.parse(out.lines()[0])).toMatchObject({ level: 30, service: 'teams', n: 1, msg: 'hello' });
  });
});

describe('request lines and failures', () => {
  let idp: DevIdp;
  let token: string;
  const out = capture();
  let http: supertest.Agent;

  beforeAll(async () => {
    idp = await startDevIdp();
    token = await idp.tokenFor('alice');
    const router = Router();
    router.get('/bad', () => {
      throw new BadRequestError('x must be a string');
    });
    router.get('/later', () => {
      throw new UnavailableError('this runtime has not yet applied event 9; retry shortly');
    });
    router.get('/boom', () => {
      throw new Error('a bug');
    });
    router.get('/fine', (_req, res) => {
      res.json(true);
    });
    router.post('/az-events', (_req, res) => {
      res.json({});
    });
    const app = createHttpApp({
      name: 'test',
      log: createLogger('test', 'debug', 'json', out.stream),
      metrics: createMetrics(),
      verifier: createTokenVerifier({ issuers: [idp.issuer] }),
      selfAuthenticatedPaths: ['/az-events'],
      routers: [router],
    });
    http = supertest.agent(app);
  });
  afterAll(() => idp.close());

  async function linesOf(send: () => Promise<unknown>): Promise<Array<Record<string, unknown>>> {
    const before = out.lines().length;
    await send();
    return out
      .lines()
      .slice(before)
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  }
  const bearer = () => ({ Authorization: `Bearer ${token}` });

  test('a request: one info line saying method, URL, status and time', async () => {
    expect(await linesOf(() => http.get('/fine?x=1').set(bearer()))).toEqual([
      expect.objectContaining({
        level: 30,
        method: 'GET',
        url: '/fine?x=1',
        status: 200,
        msg: expect.stringMatching(/^GET \/fine\?x=1 200 [\d.]+ ms$/),
      }),
    ]);
  });

  test('probes and event broadcasts: debug', async () => {
    const lines = [
      ...(await linesOf(() => http.get('/health'))),
      ...(await linesOf(() => http.get('/ready'))),
      ...(await linesOf(() => http.post('/az-events').send({ events: [] }))),
    ];
    expect(lines.map((l) => [l.level, l.url, l.status])).toEqual([
      [20, '/health', 200],
      [20, '/ready', 200],
      [20, '/az-events', 200],
    ]);
  });

  test("a 4xx is the client's doing: its request line only, no error and no stack", async () => {
    expect(await linesOf(() => http.get('/bad').set(bearer()))).toEqual([
      expect.objectContaining({ level: 30, status: 400 }),
    ]);
    expect(await linesOf(() => http.get('/fine'))).toEqual([expect.objectContaining({ level: 30, status: 401 })]);
  });

  test('a 503 answered on purpose (atLeast not reached): a warning with its reason, no stack', async () => {
    const lines = await linesOf(() => http.get('/later').set(bearer()));
    expect(lines).toEqual([
      {
        level: 40,
        time: expect.any(Number),
        service: 'test',
        name: 'test',
        reqId: expect.any(String),
        status: 503,
        reason: 'this runtime has not yet applied event 9; retry shortly',
        msg: 'request refused',
      },
      expect.objectContaining({ level: 30, status: 503 }),
    ]);
  });

  test('an unexpected failure: an error with its stack', async () => {
    const lines = await linesOf(() => http.get('/boom').set(bearer()));
    expect(lines[0]).toMatchObject({ level: 50, msg: 'request failed', err: { message: 'a bug' } });
    expect((lines[0].err as { stack: string }).stack).toContain('logging.test.ts');
  });
});
