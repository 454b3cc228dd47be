import Ajv2020 from 'ajv/dist/2020';
import { SERVICE_NAMES, type ServiceName } from '@permissions/config';
import { methodsServedBy, type ApiRoute } from '@permissions/http-kit';
import { QUESTION_ROUTES } from '@permissions/runtime';
import { startStack, type Stack } from '@permissions/test-support/harness';

interface Layer {
  route?: { path: string | RegExp; methods: Record<string, boolean>; stack: Array<{ handle: unknown }> };
  handle?: { stack?: Layer[] };
}

/** Every route mounted on the services' routers: its matcher and its methods (express's own bookkeeping). */
function mounted(stack: Layer[], found: Array<{ matcher: string | RegExp; methods: string[] }> = []) {
  for (const layer of stack) {
    if (layer.route) {
      const methods =
        methodsServedBy(layer.route.stack[0]?.handle) ?? Object.keys(layer.route.methods).map((m) => m.toUpperCase());
      found.push({ matcher: layer.route.path, methods });
    } else if (layer.handle?.stack) {
      mounted(layer.handle.stack, found);
    }
  }
  return found;
}

const SAMPLE: Record<string, string> = { '/az-tm-{id}': '/az-tm-probe' };

type Doc = { paths: Record<string, Record<string, { operationId: string }>>; components: Record<string, unknown> };

const PROCESSES: Array<[string, ServiceName[]]> = [
  ...SERVICE_NAMES.map((name): [string, ServiceName[]] => [name, [name]]),
  ['all-in-one', [...SERVICE_NAMES]],
];

describe.each(PROCESSES)('%s: the OpenAPI document is what the process serves', (label, services) => {
  let stack: Stack;
  let doc: Doc;
  const processName = services.length === 1 ? services[0] : 'permissions';
  beforeAll(async () => {
    stack = await startStack({ services });
    const res = await fetch(`${stack.url}/openapi.json`);
    expect(res.status).toBe(200);
    doc = (await res.json()) as Doc;
  });
  afterAll(async () => stack?.close());

  const documented = () =>
    Object.entries(doc.paths).flatMap(([path, item]) =>
      Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`),
    );

  test('served without a token, OpenAPI 3.1, every schema valid JSON Schema 2020-12, operation ids unique', async () => {
    expect(doc).toMatchObject({ openapi: '3.1.0', info: { title: expect.stringContaining('Permissions') } });
    expect(JSON.stringify(doc)).toBe(JSON.stringify(stack.api.document()));
    const ids = Object.values(doc.paths).flatMap((item) => Object.values(item).map((op) => op.operationId));
    expect(new Set(ids).size).toBe(ids.length);
    const ajv = new Ajv2020({ strict: false });
    for (const [name, schema] of Object.entries((doc.components.schemas ?? {}) as Record<string, object>)) {
      expect(() => ajv.compile({ ...schema, components: doc.components })).not.toThrow();
      expect(name).toMatch(/^[A-Z]/);
    }
    const page = await fetch(`${stack.url}/docs`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await page.text();
    expect(html).toContain('/docs/assets/swagger-ui-bundle.js');
    expect(html).not.toMatch(/https?:\/\//); // nothing from a CDN
    const bundle = await fetch(`${stack.url}/docs/assets/swagger-ui-bundle.js`);
    expect(bundle.status).toBe(200);
    expect((await bundle.arrayBuffer()).byteLength).toBeGreaterThan(100_000);
  });

  test('every route mounted on its routers, and every question route, is in the document', () => {
    const declared: ApiRoute[] = stack.api.routes;
    const served = new Set<string>();
    const undeclared: string[] = [];
    for (const service of stack.services) {
      for (const { matcher, methods } of mounted((service.router as unknown as { stack: Layer[] }).stack)) {
        const route = declared.find(
          (r) => (r.matcher ?? r.path) === matcher || String(r.matcher ?? r.path) === String(matcher),
        );
        if (route === undefined) undeclared.push(`${methods.join(',')} ${String(matcher)}`);
        else for (const method of methods) served.add(`${method} ${route.path}`);
      }
      if (service.name === 'runtime') {
        for (const [path, route] of Object.entries(QUESTION_ROUTES))
          for (const m of route.methods) served.add(`${m} ${path}`);
      }
    }
    expect(undeclared).toEqual([]);
    const inDocument = new Set(documented());
    expect([...served].filter((op) => !inDocument.has(op))).toEqual([]);
  });

  test('every operation in the document is served (none is the 404 or 405 of an unknown route)', async () => {
    const token = await stack.token('alice');
    const unserved: string[] = [];
    for (const op of documented()) {
      const [method, path] = op.split(' ');
      const url = SAMPLE[path] ?? path;
      const res = await fetch(stack.url + url, {
        method,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: method === 'GET' ? undefined : '{}',
      });
      const text = await res.text();
      const fellThrough = res.status === 404 && text.includes(`${processName}: ${method} ${url} not found`);
      if (fellThrough || res.status === 405) unserved.push(`${op} → ${res.status} ${text.slice(0, 100)}`);
    }
    expect(unserved).toEqual([]);
  });

  if (label === 'all-in-one') {
    test("the all-in-one's document is the union of the four services' documents", async () => {
      const union = new Set<string>();
      for (const name of SERVICE_NAMES) {
        const single = await startStack({ services: [name] });
        try {
          for (const op of Object.entries(single.api.document().paths ?? {}).flatMap(([path, item]) =>
            Object.keys(item as object).map((m) => `${m.toUpperCase()} ${path}`),
          ))
            union.add(op);
        } finally {
          await single.close();
        }
      }
      expect(new Set(documented())).toEqual(union);
    });
  }
});
