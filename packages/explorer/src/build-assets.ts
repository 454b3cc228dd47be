import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** The explorer package's own folder: the page's sources are in `page/`, a production build in `dist/`. */
export const PACKAGE_DIR = path.resolve(__dirname, '..');
export const PAGE_DIR = path.join(PACKAGE_DIR, 'page');
export const DIST_DIR = path.join(PACKAGE_DIR, 'dist');

/** The files the page is made of, by the name they are served under (`/explorer/assets/{name}`). */
export interface ExplorerAssets {
  /** The HTML page, with the assets' URLs (each with its content hash, so a browser never mixes versions). */
  html: string;
  files: Map<string, { body: Buffer; type: string; etag: string }>;
}

const MANIFEST = 'manifest.json';

interface Manifest {
  builtAt: number;
  /** Every source file the bundle was made from, relative to the package folder. */
  inputs: string[];
}

/**
 * Bundles the page (Preact and the pure model, no CDN) with esbuild. esbuild is imported only here, so a
 * production image whose assets were built beforehand (`pnpm build:explorer`) never loads it.
 */
export async function bundleExplorer(): Promise<{ assets: ExplorerAssets; inputs: string[] }> {
  const esbuild = await import('esbuild');
  const result = await esbuild.build({
    entryPoints: { explorer: path.join(PAGE_DIR, 'main.tsx') },
    bundle: true,
    write: false,
    outdir: 'out',
    format: 'esm',
    target: ['es2022'],
    platform: 'browser',
    jsx: 'automatic',
    jsxImportSource: 'preact',
    minify: true,
    legalComments: 'none',
    metafile: true,
    absWorkingDir: PACKAGE_DIR,
    logLevel: 'silent',
    loader: { '.css': 'css' },
  });
  const files = new Map<string, Buffer>();
  for (const file of result.outputFiles) files.set(path.basename(file.path), Buffer.from(file.contents));
  const template = await readFile(path.join(PAGE_DIR, 'index.html'), 'utf8');
  const inputs = Object.keys(result.metafile.inputs)
    .map((input) => path.relative(PACKAGE_DIR, path.resolve(PACKAGE_DIR, input)))
    .concat(path.relative(PACKAGE_DIR, path.join(PAGE_DIR, 'index.html')));
  return { assets: assemble(template, files), inputs };
}

/** `pnpm build:explorer`: the bundle written to `dist/` (replaced as a whole, so a reader never sees half of it). */
export async function buildExplorerAssets(outDir: string = DIST_DIR): Promise<string[]> {
  const { assets, inputs } = await bundleExplorer();
  const staging = `${outDir}.${process.pid}.tmp`;
  await rm(staging, { recursive: true, force: true });
  await mkdir(staging, { recursive: true });
  await writeFile(path.join(staging, 'index.html'), assets.html);
  for (const [name, file] of assets.files) await writeFile(path.join(staging, name), file.body);
  const manifest: Manifest = { builtAt: Date.now(), inputs };
  await writeFile(path.join(staging, MANIFEST), JSON.stringify(manifest, null, 2));
  await rm(outDir, { recursive: true, force: true });
  await rename(staging, outDir);
  return [...assets.files.keys(), 'index.html'];
}

/**
 * The assets to serve: `dist/` when it was built from the sources as they are now (or the sources are not there, as
 * in a production image), else a fresh bundle made in memory, so `pnpm install && pnpm start` needs no build step
 * and an edited page is never served stale.
 */
export async function loadExplorerAssets(distDir: string = DIST_DIR): Promise<ExplorerAssets> {
  const fromDist = await readDist(distDir);
  if (fromDist) return fromDist;
  return (await bundleExplorer()).assets;
}

async function readDist(distDir: string): Promise<ExplorerAssets | undefined> {
  let manifest: Manifest;
  try {
    manifest = JSON.parse(await readFile(path.join(distDir, MANIFEST), 'utf8')) as Manifest;
  } catch {
    return undefined;
  }
  for (const input of manifest.inputs) {
    const modified = await stat(path.join(PACKAGE_DIR, input)).then(
      (s) => s.mtimeMs,
      () => undefined, // a source not shipped (production image): the build is all there is
    );
    if (modified !== undefined && modified > manifest.builtAt) return undefined;
  }
  const html = await readFile(path.join(distDir, 'index.html'), 'utf8');
  const files = new Map<string, Buffer>();
  for (const name of ['explorer.js', 'explorer.css']) files.set(name, await readFile(path.join(distDir, name)));
  return { html, files: withTypes(files) };
}

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};

function withTypes(files: Map<string, Buffer>): ExplorerAssets['files'] {
  const typed: ExplorerAssets['files'] = new Map();
  for (const [name, body] of files) {
    const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`;
    typed.set(name, { body, type: TYPES[path.extname(name)] ?? 'application/octet-stream', etag });
  }
  return typed;
}

function assemble(template: string, raw: Map<string, Buffer>): ExplorerAssets {
  const files = withTypes(raw);
  const url = (name: string) => `/explorer/assets/${name}?v=${files.get(name)?.etag.slice(1, 12) ?? ''}`;
  const html = template.replace('{{css}}', url('explorer.css')).replace('{{js}}', url('explorer.js'));
  return { html, files };
}
