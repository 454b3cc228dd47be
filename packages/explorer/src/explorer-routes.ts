import type { Response } from 'express';
import { z } from 'zod';
import { defineRoute, type ApiRoute, type Logger } from '@permissions/http-kit';
import { UnavailableError } from '@permissions/model';
import { loadExplorerAssets, type ExplorerAssets } from './build-assets';

/** The development identity provider's issuer and users, set only when `pnpm start` runs one. */
export interface DevIdentity {
  issuer: string;
  users: string[];
}

export interface ExplorerOptions {
  devIdentity?: DevIdentity;
  log: Logger;
  /** Where the assets come from (tests); default: `dist/` when current, else bundled from the sources. */
  loadAssets?: () => Promise<ExplorerAssets>;
}

/**
 * Paths served without a token: the page and its assets are public; everything the page does goes through the
 * public API with the token its user gives it.
 */
export const EXPLORER_PUBLIC_PATHS = [
  '/explorer',
  '/explorer/',
  '/explorer/config.json',
  '/explorer/assets/explorer.js',
  '/explorer/assets/explorer.css',
];

/**
 * `GET /explorer` (CONTRACT §5 "Operations"): the page, its assets, and `config.json`, which says where to sign in
 * with one click when a development identity provider runs, and nothing at all otherwise.
 */
export function explorerRoutes(options: ExplorerOptions): ApiRoute[] {
  const load = options.loadAssets ?? loadExplorerAssets;
  let assets: Promise<ExplorerAssets> | undefined;
  // Loaded on first use (a bundle from the sources takes a moment), once per process; a failure is retried later.
  const current = (): Promise<ExplorerAssets> => {
    assets ??= load().catch((err: unknown) => {
      assets = undefined;
      options.log.error({ err }, 'explorer assets could not be loaded');
      throw new UnavailableError('the explorer page could not be built: see the service log (pnpm build:explorer)');
    });
    return assets;
  };
  const devOrigin = options.devIdentity ? new URL(options.devIdentity.issuer).origin : undefined;
  const tags = ['Explorer'];

  return [
    defineRoute({
      method: 'GET',
      path: '/explorer',
      matcher: /^\/explorer\/?$/,
      operationId: 'getExplorerPage',
      summary: 'The explorer: a page to see and change who can do what',
      description: 'Public; everything the page does goes through the API with the token its user gives it.',
      tags,
      auth: 'public',
      responses: { 200: { description: 'The page', body: z.string(), contentType: 'text/html' } },
      handle: async ({ res }) => {
        const { html } = await current();
        pageHeaders(res, devOrigin);
        res.setHeader('Cache-Control', 'no-cache');
        res.type('html').send(html);
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/explorer/config.json',
      operationId: 'getExplorerConfig',
      summary: "The explorer's configuration: where to sign in with one click under `pnpm start`",
      tags,
      auth: 'public',
      responses: {
        200: {
          description: 'The development identity provider, or null',
          body: z.object({
            devIdentity: z.object({ issuer: z.string(), users: z.array(z.string()) }).nullable(),
          }),
        },
      },
      handle: ({ res }) => {
        res.setHeader('Cache-Control', 'no-store');
        res.json({ devIdentity: options.devIdentity ?? null });
      },
    }),
    ...(['explorer.js', 'explorer.css'] as const).map((name) =>
      defineRoute({
        method: 'GET',
        path: `/explorer/assets/${name}`,
        operationId: name === 'explorer.js' ? 'getExplorerScript' : 'getExplorerStyles',
        summary: `The explorer's ${name === 'explorer.js' ? 'script' : 'styles'}`,
        tags,
        auth: 'public',
        query: z.looseObject({ v: z.string().optional().meta({ description: 'Content hash: cached for good' }) }),
        responses: {
          200: {
            description: 'The file',
            body: z.string(),
            contentType: name === 'explorer.js' ? 'text/javascript' : 'text/css',
          },
          304: { description: 'Not modified (`If-None-Match`)' },
        },
        handle: async ({ req, res }) => {
          const file = (await current()).files.get(name);
          if (!file) throw new UnavailableError(`explorer asset ${req.path} is missing from the build`);
          res.setHeader('ETag', file.etag);
          res.setHeader('X-Content-Type-Options', 'nosniff');
          // The page names each asset with its content hash: a version never changes under its URL.
          res.setHeader('Cache-Control', req.query.v ? 'public, max-age=31536000, immutable' : 'no-cache');
          if (req.headers['if-none-match'] === file.etag) {
            res.status(304).end();
            return;
          }
          res.type(file.type).send(file.body);
        },
      }),
    ),
  ];
}

/** The page holds a bearer token: no script but ours, no framing, no referrer, nothing sniffed. */
function pageHeaders(res: Response, devOrigin: string | undefined): void {
  const connect = ["'self'", ...(devOrigin ? [devOrigin] : [])].join(' ');
  res.setHeader(
    'Content-Security-Policy',
    [
      "default-src 'none'",
      "script-src 'self'",
      "style-src 'self'",
      "img-src 'self' data:",
      `connect-src ${connect}`,
      "base-uri 'none'",
      "form-action 'none'",
      "frame-ancestors 'none'",
    ].join('; '),
  );
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('X-Frame-Options', 'DENY');
}
