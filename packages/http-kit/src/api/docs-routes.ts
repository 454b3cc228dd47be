import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Response } from 'express';
import { z } from 'zod';
import { defineRoute, type ApiRoute } from './api-route';
import type { OpenApiDocument } from './openapi-document';

/** Swagger UI's files, served from node_modules (no CDN): the renderer and its styles. */
const SWAGGER_FILES: Record<string, string> = {
  'swagger-ui-bundle.js': 'application/javascript; charset=utf-8',
  'swagger-ui.css': 'text/css; charset=utf-8',
};

/** Our own start script: a separate file, so that the page's policy allows no inline script. */
const INIT_JS = `window.addEventListener('load', function () {
  window.ui = SwaggerUIBundle({
    url: '/openapi.json',
    dom_id: '#swagger-ui',
    deepLinking: true,
    validatorUrl: null,
    tryItOutEnabled: false,
    persistAuthorization: false,
  });
});
`;

const PAGE = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <title>Permissions API</title>
    <link rel="stylesheet" href="/docs/assets/swagger-ui.css">
  </head>
  <body>
    <div id="swagger-ui"></div>
    <script src="/docs/assets/swagger-ui-bundle.js"></script>
    <script src="/docs/assets/init.js"></script>
  </body>
</html>
`;

interface Asset {
  type: string;
  body: Buffer;
  etag: string;
}

function asset(type: string, body: Buffer): Asset {
  return { type, body, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"` };
}

function swaggerDir(): string {
  return path.dirname(require.resolve('swagger-ui-dist/package.json'));
}

/** The page shows the API; it holds no token of its own. No script but ours and the renderer's, no framing. */
function pageHeaders(res: Response): void {
  res.setHeader(
    'Content-Security-Policy',
    [
      "default-src 'none'",
      "script-src 'self'",
      // Swagger UI sets style attributes on its elements.
      "style-src 'self' 'unsafe-inline'",
      "img-src 'self' data:",
      "connect-src 'self'",
      "base-uri 'none'",
      "form-action 'none'",
      "frame-ancestors 'none'",
    ].join('; '),
  );
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Referrer-Policy', 'no-referrer');
}

const HtmlPage = z.string().meta({ description: 'An HTML page' });

/**
 * `GET /openapi.json` and `GET /docs` (CONTRACT §5): the document of every route this process serves, and a page
 * that renders it with Swagger UI, whose assets come from the swagger-ui-dist package. Both without a token.
 */
export function docsRoutes(document: () => OpenApiDocument): ApiRoute[] {
  let json: Asset | undefined;
  const assets = new Map<string, Promise<Asset>>();
  const load = (name: string): Promise<Asset> => {
    let found = assets.get(name);
    if (found === undefined) {
      found =
        name === 'init.js'
          ? Promise.resolve(asset('application/javascript; charset=utf-8', Buffer.from(INIT_JS)))
          : readFile(path.join(swaggerDir(), name)).then((body) => asset(SWAGGER_FILES[name], body));
      found.catch(() => assets.delete(name));
      assets.set(name, found);
    }
    return found;
  };
  const send = (res: Response, ifNoneMatch: string | undefined, file: Asset, cache: string) => {
    res.setHeader('ETag', file.etag);
    res.setHeader('Cache-Control', cache);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    if (ifNoneMatch === file.etag) return void res.status(304).end();
    res.type(file.type).send(file.body);
  };
  const tags = ['Developer surface'];
  return [
    defineRoute({
      method: 'GET',
      path: '/openapi.json',
      operationId: 'getOpenApiDocument',
      summary: 'This document',
      description:
        'The OpenAPI 3.1 document of every route this process serves, generated from the schemas that validate requests.',
      tags,
      auth: 'public',
      responses: { 200: { description: 'The OpenAPI document', body: z.looseObject({ openapi: z.string() }) } },
      handle: ({ req, res }) => {
        json ??= asset('application/json; charset=utf-8', Buffer.from(JSON.stringify(document())));
        send(res, req.headers['if-none-match'], json, 'no-cache');
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/docs',
      operationId: 'getApiDocsPage',
      summary: 'This document as a page',
      tags,
      auth: 'public',
      responses: { 200: { description: 'The page (Swagger UI)', body: HtmlPage, contentType: 'text/html' } },
      handle: ({ res }) => {
        pageHeaders(res);
        res.setHeader('Cache-Control', 'no-cache');
        res.type('html').send(PAGE);
      },
    }),
    ...[...Object.entries(SWAGGER_FILES), ['init.js', 'application/javascript; charset=utf-8']].map(([name, type]) =>
      defineRoute({
        method: 'GET',
        path: `/docs/assets/${name}`,
        operationId: `getApiDocsAsset_${name.replace(/[^a-z]/gi, '_')}`,
        summary: `The page's ${name}`,
        tags,
        auth: 'public',
        responses: {
          200: { description: 'The file', body: z.string(), contentType: type.split(';')[0] },
          304: { description: 'Not modified (`If-None-Match`)' },
        },
        handle: async ({ req, res }) => {
          send(res, req.headers['if-none-match'], await load(name), 'public, max-age=3600');
        },
      }),
    ),
  ];
}
